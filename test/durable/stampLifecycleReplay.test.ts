/**
 * The stamp orchestrator on its own: hand-made histories replayed through the real
 * durable-functions 3.5.0 (as the Durable extension would send them), asserting the actions it
 * schedules, in the way durable-js's own orchestrator tests do.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { WAKE_EVENT } from '../../shared/app/orchestration/stampLifecycleOrchestrator';
import { type HistoryEvent, historyEvents, toJsonText } from '../../shared/local/durable/historyEvent';
import { invokeOrchestrator } from '../../shared/local/durable/invokeOrchestrator';
import { flattenActions } from '../../shared/local/durable/orchestratorActions';
import type { RegisteredFunction } from '../../shared/local/host/functionRegistry';
import { installFunctionsCore } from '../../shared/local/host/installFunctionsCore';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const ACTIVE = toJsonText({ found: true, phase: 'active', traffic: 'isolated', effects: [], outcomes: [] });

/** Builds a history step by step: each `episode` starts with OrchestratorStarted, as the extension writes it. */
class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  episode(seconds: number, ...events: HistoryEvent[]): this {
    this.events.push(historyEvents.orchestratorStarted(at(seconds)), ...events);
    return this;
  }
}

function appliesScheduled(actions: unknown): number {
  return flattenActions(actions).filter(
    (a) => a.type === 'CallActivity' && a.functionName === 'applyStampEvents',
  ).length;
}

describe('stampLifecycle replayed from hand-made histories (real durable-functions 3.5.0)', () => {
  let orchestrator: RegisteredFunction;
  before(async () => {
    const registry = installFunctionsCore();
    await import('../../functions/stampLifecycle.js');
    orchestrator = registry.get('stampLifecycle', 'orchestration');
  });

  it('delivers a second wake-up that arrives while the first is applied, after a timer won a Task.any (issue 11, defect 4)', async () => {
    const input = {
      stampId: 'weu-001',
      effects: [],
      watches: [
        { kind: 'timer', at: at(60).toISOString(), timer: 'isolation-grace' },
        { kind: 'timer', at: at(600).toISOString(), timer: 'isolation-decision' },
      ],
      drainTimers: {},
    };
    const history = new HistoryBuilder()
      // Start: the first apply (activity 0), then Task.any([wake, timer 1]).
      .episode(0, historyEvents.executionStarted(at(0), 'stampLifecycle', toJsonText(input)))
      .episode(0, historyEvents.taskScheduled(at(0), 0, 'applyStampEvents', undefined))
      .episode(1, historyEvents.taskCompleted(at(1), 0, ACTIVE), historyEvents.timerCreated(at(1), 1, at(60)))
      // The timer wins; its observation applies (activity 2); then Task.any([wake, timer 3]).
      .episode(60, historyEvents.timerFired(at(60), 1, at(60).toISOString()))
      .episode(60, historyEvents.taskScheduled(at(60), 2, 'applyStampEvents', undefined))
      .episode(
        61,
        historyEvents.taskCompleted(at(61), 2, ACTIVE),
        historyEvents.timerCreated(at(61), 3, at(600)),
      )
      // A wake-up wins; its apply (activity 4) is scheduled.
      .episode(100, historyEvents.eventRaised(at(100), WAKE_EVENT, undefined))
      .episode(100, historyEvents.taskScheduled(at(100), 4, 'applyStampEvents', undefined))
      // A second wake-up arrives while activity 4 runs, then activity 4 completes.
      .episode(101, historyEvents.eventRaised(at(101), WAKE_EVENT, undefined))
      .episode(102, historyEvents.taskCompleted(at(102), 4, ACTIVE)).events;

    const outcome = await invokeOrchestrator(orchestrator, 'weu-001', input, history, history.length - 2);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
    // Activities 0, 2 and 4 are in the history; the second wake-up must schedule a fourth apply
    // now, not wait for the next timer (at 600 s) or a reconciliation sweep.
    assert.equal(appliesScheduled(outcome.actions), 4);
  });

  it('waits for the next wake-up or the timer when nothing arrived meanwhile', async () => {
    const input = {
      stampId: 'weu-002',
      effects: [],
      watches: [{ kind: 'timer', at: at(600).toISOString(), timer: 'isolation-decision' }],
      drainTimers: {},
    };
    const history = new HistoryBuilder()
      .episode(0, historyEvents.executionStarted(at(0), 'stampLifecycle', toJsonText(input)))
      .episode(0, historyEvents.taskScheduled(at(0), 0, 'applyStampEvents', undefined))
      .episode(1, historyEvents.taskCompleted(at(1), 0, ACTIVE)).events;
    const outcome = await invokeOrchestrator(orchestrator, 'weu-002', input, history, history.length - 2);
    assert.ok(outcome.ok && !outcome.isDone);
    const actions = flattenActions(outcome.actions);
    assert.equal(appliesScheduled(outcome.actions), 1);
    assert.deepEqual(
      actions.slice(1).map((a) => a.type),
      ['WaitForExternalEvent', 'CreateTimer'],
    );
  });
});
