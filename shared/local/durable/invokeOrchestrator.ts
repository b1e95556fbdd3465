import type { LogHandler } from '@azure/functions';

import type { RegisteredFunction } from '../host/functionRegistry';
import { createInvocationContext } from '../host/invokeFunction';
import { EventType, type HistoryEvent } from './historyEvent';

/** `upperSchemaVersion` 1 = replay schema V2: one action list with compound actions nested. */
const REPLAY_SCHEMA_V2 = 1;
const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

export type OrchestratorOutcome =
  | {
      readonly ok: true;
      readonly isDone: boolean;
      readonly actions: unknown;
      readonly output: unknown;
      readonly customStatus: unknown;
    }
  | { readonly ok: false; readonly error: string; readonly customStatus: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads the `OrchestrationFailureError` message: `message + label + JSON(state)`. */
function parseFailure(thrown: unknown): { error: string; customStatus: unknown } {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { error: message, customStatus: undefined };
  try {
    const state: unknown = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length));
    if (isObject(state)) {
      const error = state['error'];
      return {
        error: typeof error === 'string' ? error : message.slice(0, at),
        customStatus: state['customStatus'],
      };
    }
  } catch {
    // fall through: keep the message before the label
  }
  return { error: message.slice(0, at), customStatus: undefined };
}

/**
 * Replays `history` through the orchestrator handler registered by `df.app.orchestration`, as
 * the Durable extension would: a fresh context, a deep copy of the history (the library
 * rewrites `Timestamp`s), events before the last OrchestratorStarted marked as played.
 */
export async function invokeOrchestrator(
  orchestrator: RegisteredFunction,
  instanceId: string,
  input: unknown,
  history: readonly HistoryEvent[],
  newEventsFrom: number,
  logHandler?: LogHandler,
): Promise<OrchestratorOutcome> {
  const copy = structuredClone(history).map((event, index) => ({
    ...event,
    IsPlayed: index < newEventsFrom,
  }));
  const trigger = {
    history: copy,
    input: structuredClone(input),
    instanceId,
    isReplaying: copy.some((e, i) => i < newEventsFrom && e.EventType === EventType.OrchestratorStarted),
    upperSchemaVersion: REPLAY_SCHEMA_V2,
    parentInstanceId: undefined,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '6.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  const context = createInvocationContext(orchestrator, { logHandler });
  let state: unknown;
  try {
    state = await orchestrator.handler(trigger, context);
  } catch (thrown) {
    return { ok: false, ...parseFailure(thrown) };
  }
  if (!isObject(state))
    return { ok: false, error: 'the orchestrator returned no state', customStatus: undefined };
  return {
    ok: true,
    isDone: state['isDone'] === true,
    actions: state['actions'],
    output: state['output'],
    customStatus: state['customStatus'],
  };
}
