import type { LogHandler } from '@azure/functions';

import type { FunctionRegistry } from '../host/functionRegistry';
import { createInvocationContext } from '../host/invokeFunction';
import {
  ActivityNotFoundError,
  ActivityResultNotSerializableError,
  ActivityThrewNonErrorError,
} from './errors';
import { type FailureDetails, type HistoryEvent, historyEvents } from './historyEvent';

export interface ActivityWorkItem {
  readonly instanceId: string;
  readonly taskId: number;
  readonly name: string;
  /** JSON text of the input, as in the TaskScheduled event. */
  readonly input: string | undefined;
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function failureOf(error: Error): FailureDetails {
  return {
    ErrorType: error.name,
    ErrorMessage: error.message,
    ...(error.stack === undefined ? {} : { StackTrace: error.stack }),
  };
}

/**
 * Runs one activity through the handler registered by `df.app.activity` (which receives the
 * decoded input, as the worker would give it) and turns the outcome into the history event
 * the extension would record: TaskCompleted with the JSON result, or TaskFailed with
 * FailureDetails. Never throws: every failure becomes a TaskFailed naming the instance.
 */
export async function runActivity(
  registry: FunctionRegistry,
  item: ActivityWorkItem,
  now: () => Date,
  logHandler?: LogHandler,
): Promise<HistoryEvent> {
  const activity = registry.find(item.name);
  if (activity === undefined || activity.kind !== 'activity') {
    return historyEvents.taskFailed(
      now(),
      item.taskId,
      failureOf(new ActivityNotFoundError(item.instanceId, item.name)),
    );
  }
  let result: unknown;
  try {
    const input: unknown = item.input === undefined ? undefined : JSON.parse(item.input);
    const context = createInvocationContext(activity, { logHandler });
    result = await activity.handler(input, context);
  } catch (thrown) {
    const error =
      thrown instanceof Error
        ? thrown
        : new ActivityThrewNonErrorError(item.instanceId, item.name, describeThrown(thrown));
    return historyEvents.taskFailed(now(), item.taskId, failureOf(error));
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(result);
  } catch (cause) {
    const error = new ActivityResultNotSerializableError(item.instanceId, item.name, { cause });
    return historyEvents.taskFailed(now(), item.taskId, failureOf(error));
  }
  return historyEvents.taskCompleted(now(), item.taskId, text ?? 'null');
}
