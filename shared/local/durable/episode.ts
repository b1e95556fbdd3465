import type { LogHandler } from '@azure/functions';

import type { FunctionRegistry } from '../host/functionRegistry';
import { NonDeterminismError, OrchestratorNotFoundError, UnsupportedActionError } from './errors';
import { EventType, type HistoryEvent, historyEvents, toJsonText } from './historyEvent';
import {
  type ExecutionState,
  type InboxMessage,
  type InstanceRecord,
  isTerminal,
  newExecutionState,
  type RecordedAction,
} from './instanceRecord';
import { invokeOrchestrator } from './invokeOrchestrator';
import {
  actionInputValue,
  describeAction,
  describeRecordedAction,
  flattenActions,
  type OrchestratorAction,
  sameAction,
  toRecordedAction,
} from './orchestratorActions';
import { retryDelayMs } from './retryDelay';

/** What the runtime must do after an episode's state is stored. */
export type EpisodeEffect =
  | {
      readonly kind: 'runActivity';
      readonly executionId: string;
      readonly taskId: number;
      readonly name: string;
      readonly input: string | undefined;
    }
  | {
      readonly kind: 'armTimer';
      readonly executionId: string;
      readonly timerId: number;
      readonly fireAt: string;
    }
  | { readonly kind: 'cancelTimer'; readonly executionId: string; readonly timerId: number }
  | { readonly kind: 'cancelAllTimers' };

export interface EpisodeContext {
  readonly now: Date;
  readonly registry: FunctionRegistry;
  readonly newExecutionId: () => string;
  readonly maxArchivedExecutions: number;
  readonly logHandler?: LogHandler;
}

export interface EpisodeResult {
  readonly record: InstanceRecord;
  readonly effects: readonly EpisodeEffect[];
  /** False when the message was dropped (finished instance, or a message of an older execution). */
  readonly ran: boolean;
}

function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function finish(
  record: InstanceRecord,
  execution: ExecutionState,
  now: Date,
  status: 'Completed' | 'Failed',
  output: unknown,
  customStatus: unknown,
  failure?: { code: string; message: string },
): EpisodeResult {
  const history = [
    ...execution.history,
    historyEvents.orchestratorCompleted(now),
    historyEvents.executionCompleted(
      now,
      status,
      status === 'Completed' ? toJsonText(output) : undefined,
      failure === undefined ? undefined : { ErrorType: failure.code, ErrorMessage: failure.message },
    ),
  ];
  const { failure: _previous, ...rest } = record;
  return {
    record: {
      ...rest,
      runtimeStatus: status,
      output,
      customStatus,
      lastUpdatedTime: now.toISOString(),
      execution: { ...execution, history },
      ...(failure === undefined ? {} : { failure: { code: failure.code, message: failure.message } }),
    },
    effects: [{ kind: 'cancelAllTimers' }],
    ran: true,
  };
}

function fail(
  record: InstanceRecord,
  execution: ExecutionState,
  now: Date,
  error: { code: string; message: string },
  customStatus: unknown,
): EpisodeResult {
  return finish(record, execution, now, 'Failed', error.message, customStatus, error);
}

/** The ids the library hands out while it processes a retry task's failure or its timer. */
function applyRetryProtocol(
  execution: ExecutionState,
  event: HistoryEvent,
  now: Date,
  appended: HistoryEvent[],
  effects: EpisodeEffect[],
): void {
  if (event.EventType === EventType.TaskFailed && event.TaskScheduledId !== undefined) {
    const chainIndex = execution.retryTaskIds[String(event.TaskScheduledId)];
    const chain = chainIndex === undefined ? undefined : execution.retryChains[chainIndex];
    if (chainIndex === undefined || chain === undefined) return;
    // After every failed attempt, the last included, the library waits on a timer with the next id.
    const timerId = execution.nextTaskId++;
    const delay = chain.attempts < chain.maxNumberOfAttempts ? retryDelayMs(chain, chain.attempts) : 0;
    const fireAt = new Date(now.getTime() + delay);
    appended.push(historyEvents.timerCreated(now, timerId, fireAt));
    execution.retryTimerIds[String(timerId)] = chainIndex;
    effects.push({
      kind: 'armTimer',
      executionId: execution.executionId,
      timerId,
      fireAt: fireAt.toISOString(),
    });
    return;
  }
  if (event.EventType === EventType.TimerFired && event.TimerId !== undefined) {
    const chainIndex = execution.retryTimerIds[String(event.TimerId)];
    const chain = chainIndex === undefined ? undefined : execution.retryChains[chainIndex];
    if (chainIndex === undefined || chain === undefined) return;
    if (chain.attempts >= chain.maxNumberOfAttempts) return; // the library now fails the task
    const taskId = execution.nextTaskId++;
    chain.attempts += 1;
    appended.push(historyEvents.taskScheduled(now, taskId, chain.name, chain.input));
    execution.retryTaskIds[String(taskId)] = chainIndex;
    effects.push({
      kind: 'runActivity',
      executionId: execution.executionId,
      taskId,
      name: chain.name,
      input: chain.input,
    });
  }
}

/** Schedules one new action; returns an error message for an unsupported one. */
function scheduleAction(
  instanceId: string,
  execution: ExecutionState,
  action: OrchestratorAction,
  now: Date,
  appended: HistoryEvent[],
  effects: EpisodeEffect[],
): UnsupportedActionError | undefined {
  const executionId = execution.executionId;
  let recorded: RecordedAction | undefined;
  switch (action.type) {
    case 'CallActivity':
    case 'CallActivityWithRetry': {
      const taskId = execution.nextTaskId++;
      const input = action.input === undefined ? undefined : toJsonText(actionInputValue(action.input));
      appended.push(historyEvents.taskScheduled(now, taskId, action.functionName, input));
      effects.push({ kind: 'runActivity', executionId, taskId, name: action.functionName, input });
      if (action.type === 'CallActivityWithRetry') {
        execution.retryChains.push({
          name: action.functionName,
          ...(input === undefined ? {} : { input }),
          ...action.retryOptions,
          attempts: 1,
        });
        execution.retryTaskIds[String(taskId)] = execution.retryChains.length - 1;
      }
      recorded = toRecordedAction(action, taskId);
      break;
    }
    case 'CreateTimer': {
      const timerId = execution.nextTaskId++;
      appended.push(historyEvents.timerCreated(now, timerId, action.fireAt));
      if (action.isCanceled) execution.canceledTimerIds.push(timerId);
      else effects.push({ kind: 'armTimer', executionId, timerId, fireAt: action.fireAt.toISOString() });
      recorded = toRecordedAction(action, timerId);
      break;
    }
    case 'WaitForExternalEvent':
      recorded = toRecordedAction(action);
      break;
    case 'ContinueAsNew':
      recorded = toRecordedAction(action);
      break;
    case 'Unsupported':
      return new UnsupportedActionError(instanceId, action.description);
  }
  if (recorded !== undefined) execution.recordedActions.push(recorded);
  return undefined;
}

/**
 * One episode: the next inbox message is appended to the history after a new
 * OrchestratorStarted, the history is replayed through the real orchestrator handler, and the
 * actions it returns are compared with those recorded (non-determinism) and the new ones
 * scheduled. Pure apart from the orchestrator call: the caller stores the record, then
 * applies the effects.
 */
export async function runEpisode(
  record: InstanceRecord,
  message: InboxMessage,
  context: EpisodeContext,
): Promise<EpisodeResult> {
  const { now } = context;
  const dropped: EpisodeResult = { record, effects: [], ran: false };
  if (isTerminal(record.runtimeStatus)) return dropped;
  if (message.executionId !== null && message.executionId !== record.execution.executionId) return dropped;
  const event = message.event;
  const execution: ExecutionState = structuredClone(record.execution);
  const startIndex = execution.history.length;
  execution.history.push(historyEvents.orchestratorStarted(now), event);

  if (event.EventType === EventType.ExecutionTerminated) {
    execution.history.push(historyEvents.executionCompleted(now, 'Terminated', event.Input));
    const { failure: _previous, ...rest } = record;
    return {
      record: {
        ...rest,
        runtimeStatus: 'Terminated',
        output: parseJsonText(event.Input),
        lastUpdatedTime: now.toISOString(),
        execution,
      },
      effects: [{ kind: 'cancelAllTimers' }],
      ran: true,
    };
  }

  const running: InstanceRecord = { ...record, runtimeStatus: 'Running' };
  const orchestrator = context.registry.find(record.name);
  if (orchestrator === undefined || orchestrator.kind !== 'orchestration') {
    return fail(running, execution, now, new OrchestratorNotFoundError(record.name, record.instanceId), null);
  }

  const appended: HistoryEvent[] = [];
  const effects: EpisodeEffect[] = [];
  applyRetryProtocol(execution, event, now, appended, effects);

  const outcome = await invokeOrchestrator(
    orchestrator,
    record.instanceId,
    record.input,
    execution.history,
    startIndex,
    context.logHandler,
  );
  if (!outcome.ok) {
    const message = `Orchestrator function '${record.name}' failed: ${outcome.error}`;
    return fail(
      running,
      execution,
      now,
      { code: 'OrchestratorFailed', message },
      outcome.customStatus ?? null,
    );
  }
  const customStatus = outcome.customStatus ?? null;

  const actions = flattenActions(outcome.actions);
  const recorded = execution.recordedActions;
  for (let position = 0; position < recorded.length; position++) {
    const expected = recorded[position];
    const replayed = actions[position];
    if (expected === undefined) continue;
    if (replayed === undefined || !sameAction(replayed, expected)) {
      const error = new NonDeterminismError(
        record.instanceId,
        record.name,
        position,
        describeAction(replayed),
        describeRecordedAction(expected),
      );
      return fail(running, execution, now, error, customStatus);
    }
    if (
      replayed.type === 'CreateTimer' &&
      replayed.isCanceled &&
      expected.taskId !== undefined &&
      !execution.canceledTimerIds.includes(expected.taskId)
    ) {
      execution.canceledTimerIds.push(expected.taskId);
      effects.push({ kind: 'cancelTimer', executionId: execution.executionId, timerId: expected.taskId });
    }
  }

  if (outcome.isDone) {
    const last = actions[actions.length - 1];
    if (last?.type === 'ContinueAsNew')
      return continueAsNew(running, execution, now, last.input, customStatus, context);
    return finish(
      running,
      { ...execution, history: [...execution.history, ...appended] },
      now,
      'Completed',
      outcome.output,
      customStatus,
    );
  }

  for (const action of actions.slice(recorded.length)) {
    const unsupported = scheduleAction(record.instanceId, execution, action, now, appended, effects);
    if (unsupported !== undefined) return fail(running, execution, now, unsupported, customStatus);
  }
  execution.history.push(...appended, historyEvents.orchestratorCompleted(now));
  return {
    record: { ...running, customStatus, lastUpdatedTime: now.toISOString(), execution },
    effects,
    ran: true,
  };
}

/** Ends the execution and queues the next one first in the inbox; pending timers and tasks are discarded. */
function continueAsNew(
  record: InstanceRecord,
  execution: ExecutionState,
  now: Date,
  rawInput: unknown,
  customStatus: unknown,
  context: EpisodeContext,
): EpisodeResult {
  const input = actionInputValue(rawInput);
  const inputText = input === undefined ? undefined : toJsonText(input);
  const archived = {
    executionId: execution.executionId,
    history: [
      ...execution.history,
      historyEvents.orchestratorCompleted(now),
      historyEvents.continueAsNew(now, inputText),
      historyEvents.executionCompleted(now, 'ContinuedAsNew', undefined),
    ],
  };
  const executionId = context.newExecutionId();
  const started: InboxMessage = {
    executionId,
    event: historyEvents.executionStarted(now, record.name, inputText),
  };
  return {
    record: {
      ...record,
      input,
      output: undefined,
      customStatus,
      lastUpdatedTime: now.toISOString(),
      execution: newExecutionState(executionId),
      archivedExecutions: [...record.archivedExecutions, archived].slice(
        -Math.max(1, context.maxArchivedExecutions),
      ),
      continuedAsNewCount: record.continuedAsNewCount + 1,
      inbox: [started, ...record.inbox],
    },
    effects: [{ kind: 'cancelAllTimers' }],
    ran: true,
  };
}
