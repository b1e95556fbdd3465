/**
 * The stamp orchestrator on its own: hand-made histories replayed through the real
 * durable-functions 3.5.0 (as the Durable extension would send them), asserting the actions it
 * schedules, in the way durable-js's own orchestrator tests do.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { WAKE_EVENT } from '../../shared/app/orchestration/stampLifecycleOrchestrator';
import { LIFECYCLE_TIMER_NAMES, LIFECYCLE_TIMERS, timerFired } from '../../shared/lifecycle/timers';
import { type HistoryEvent, historyEvents, toJsonText } from '../../shared/local/durable/historyEvent';
import { invokeOrchestrator } from '../../shared/local/durable/invokeOrchestrator';
import { actionInputValue, flattenActions } from '../../shared/local/durable/orchestratorActions';
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

  /** The actions of a replay, flattened, after checking that the orchestrator did not fail. */
  async function replay(stampId: string, input: unknown, builder: HistoryBuilder) {
    const history = builder.events;
    const outcome = await invokeOrchestrator(orchestrator, stampId, input, history, history.length - 2);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
    return { outcome, actions: flattenActions(outcome.actions) };
  }

  const applied = (phase: string, effects: unknown[] = []): string =>
    toJsonText({ found: true, phase, traffic: 'none', effects, outcomes: [] });

  /** The start of an execution: its input, then the first apply, answered with `phase` at 1 s. */
  function startedIn(input: object, phase: string, ...alsoAtOneSecond: HistoryEvent[]): HistoryBuilder {
    return new HistoryBuilder()
      .episode(0, historyEvents.executionStarted(at(0), 'stampLifecycle', toJsonText(input)))
      .episode(0, historyEvents.taskScheduled(at(0), 0, 'applyStampEvents', undefined))
      .episode(1, historyEvents.taskCompleted(at(1), 0, applied(phase)), ...alsoAtOneSecond);
  }

  it('a provisioning stamp starts its deployment after the first apply, and polls it a minute later', async () => {
    const deployment = { region: 'westeurope', deploymentName: 'stamp-weu-003-1', generation: 1 };
    const effect = { kind: 'start-deployment', stampId: 'weu-003', ...deployment };
    const input = { stampId: 'weu-003', effects: [effect], watches: [], drainTimers: {} };
    const { actions } = await replay(
      'weu-003',
      input,
      startedIn(input, 'provisioning')
        .episode(1, historyEvents.taskScheduled(at(1), 1, 'startDeployment', undefined))
        .episode(2, historyEvents.taskCompleted(at(2), 1, toJsonText(null))),
    );
    assert.deepEqual(
      actions.map((a) => (a.type === 'CallActivity' ? a.functionName : a.type)),
      ['applyStampEvents', 'startDeployment', 'WaitForExternalEvent', 'CreateTimer'],
    );
    const start = actions[1];
    assert.ok(start?.type === 'CallActivity');
    assert.deepEqual(actionInputValue(start.input), { stampId: 'weu-003', ...deployment });
    const poll = actions[3];
    assert.ok(poll?.type === 'CreateTimer');
    assert.equal(poll.fireAt.toISOString(), at(62).toISOString(), 'the poll interval of a deployment');
  });

  for (const timer of LIFECYCLE_TIMER_NAMES) {
    it(`a ${timer} timer that fires applies the event of its row in the timer table`, async () => {
      const due = at(60).toISOString();
      const input = {
        stampId: 'weu-004',
        effects: [],
        watches: [{ kind: 'timer', at: due, timer }],
        drainTimers: {},
      };
      const phase = LIFECYCLE_TIMERS[timer].phase;
      const { actions } = await replay(
        'weu-004',
        input,
        startedIn(input, phase, historyEvents.timerCreated(at(1), 1, at(60))).episode(
          60,
          historyEvents.timerFired(at(60), 1, due),
        ),
      );
      const last = actions.at(-1);
      assert.ok(last?.type === 'CallActivity' && last.functionName === 'applyStampEvents');
      const sent = actionInputValue(last.input) as { event?: unknown };
      assert.deepEqual(sent.event, timerFired('weu-004', timer, due));
    });
  }

  it('an effect that fails for good is reported as effect-failed, naming the effect, and the lifecycle goes on', async () => {
    const input = {
      stampId: 'weu-005',
      effects: [{ kind: 'remove-origin', stampId: 'weu-005' }],
      watches: [],
      drainTimers: {},
    };
    const failure = {
      ErrorType: 'Error',
      ErrorMessage: '[AuthorizationFailed|terminal] no access to the profile',
    };
    const { actions } = await replay(
      'weu-005',
      input,
      startedIn(input, 'quarantined')
        .episode(1, historyEvents.taskScheduled(at(1), 1, 'removeOrigin', undefined))
        .episode(2, historyEvents.taskFailed(at(2), 1, failure)),
    );
    const report = actions[2];
    assert.ok(report?.type === 'CallActivity' && report.functionName === 'publishLifecycleEvent');
    const { effect } = actionInputValue(report.input) as { effect: Record<string, unknown> };
    assert.equal(effect['kind'], 'raise-incident');
    assert.equal(effect['incident'], 'effect-failed');
    assert.match(String(effect['detail']), /effect remove-origin of weu-005 failed .*AuthorizationFailed/);
    // Not retried (terminal), and the orchestration waits on as before.
    assert.equal(
      actions.filter((a) => a.type === 'CallActivity' && a.functionName === 'removeOrigin').length,
      1,
    );
  });

  it('a phase change continues as new, keeping what the stamp waits for', async () => {
    const watches = [{ kind: 'timer', at: at(900).toISOString(), timer: 'isolation-grace' }];
    const input = { stampId: 'weu-006', effects: [], watches, drainTimers: { 'drain-1': '42' } };
    const { outcome, actions } = await replay(
      'weu-006',
      input,
      startedIn(input, 'active', historyEvents.timerCreated(at(1), 1, at(900)))
        .episode(5, historyEvents.eventRaised(at(5), WAKE_EVENT, undefined))
        .episode(5, historyEvents.taskScheduled(at(5), 2, 'applyStampEvents', undefined))
        .episode(6, historyEvents.taskCompleted(at(6), 2, applied('draining'))),
    );
    assert.ok(outcome.ok && outcome.isDone);
    const next = actions.at(-1);
    assert.ok(next?.type === 'ContinueAsNew');
    // The grace timer belongs to `active`: leaving the phase drops it; the drain timer is kept.
    assert.deepEqual(actionInputValue(next.input), {
      stampId: 'weu-006',
      effects: [],
      watches: [],
      drainTimers: { 'drain-1': '42' },
      // Counted, so that the next execution's inbox keys differ from this one's.
      execution: 1,
    });
  });
});
