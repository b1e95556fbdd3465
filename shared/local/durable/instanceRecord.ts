import { z } from 'zod';

import { HistoryCorruptError } from './errors';
import { historyEventSchema } from './historyEvent';

export const runtimeStatusSchema = z.enum(['Pending', 'Running', 'Completed', 'Failed', 'Terminated']);

/** The statuses an instance has here; `ContinuedAsNew` is transient and shows as `Running`. */
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** An action the orchestrator produced, as recorded for the non-determinism check. */
export const recordedActionSchema = z.object({
  kind: z.enum([
    'CallActivity',
    'CallActivityWithRetry',
    'CreateTimer',
    'WaitForExternalEvent',
    'ContinueAsNew',
  ]),
  name: z.string().optional(),
  fireAt: z.string().optional(),
  taskId: z.number().int().optional(),
});

export type RecordedAction = z.infer<typeof recordedActionSchema>;

/** The runtime's side of one `callActivityWithRetry`: the library only sends the action once. */
export const retryChainSchema = z.object({
  name: z.string(),
  input: z.string().optional(),
  firstRetryIntervalInMilliseconds: z.number(),
  maxNumberOfAttempts: z.number().int(),
  backoffCoefficient: z.number(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  /** Attempts started so far (1 after the first TaskScheduled). */
  attempts: z.number().int(),
});

export type RetryChain = z.infer<typeof retryChainSchema>;

export const executionStateSchema = z.object({
  executionId: z.string(),
  history: z.array(historyEventSchema),
  recordedActions: z.array(recordedActionSchema),
  /** The next task/timer id, the library's per-execution counter. */
  nextTaskId: z.number().int(),
  retryChains: z.array(retryChainSchema),
  /** Scheduled attempt task id -> index in retryChains. */
  retryTaskIds: z.record(z.string(), z.number().int()),
  /** Retry timer id -> index in retryChains. */
  retryTimerIds: z.record(z.string(), z.number().int()),
  canceledTimerIds: z.array(z.number().int()),
});

export type ExecutionState = z.infer<typeof executionStateSchema>;

/** A message waiting for the instance's next episode; `executionId` null means "whichever is current". */
export const inboxMessageSchema = z.object({
  executionId: z.string().nullable(),
  event: historyEventSchema,
});

export type InboxMessage = z.infer<typeof inboxMessageSchema>;

export const archivedExecutionSchema = z.object({
  executionId: z.string(),
  history: z.array(historyEventSchema),
});

export type ArchivedExecution = z.infer<typeof archivedExecutionSchema>;

export const instanceRecordSchema = z.object({
  schemaVersion: z.literal(1),
  instanceId: z.string(),
  name: z.string(),
  runtimeStatus: runtimeStatusSchema,
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  customStatus: z.unknown().optional(),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  execution: executionStateSchema,
  /** Previous executions (continueAsNew), oldest first, at most `maxArchivedExecutions`. */
  archivedExecutions: z.array(archivedExecutionSchema),
  continuedAsNewCount: z.number().int(),
  inbox: z.array(inboxMessageSchema),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** Everything the runtime keeps about one orchestration instance: one document in the store. */
export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

export function newExecutionState(executionId: string): ExecutionState {
  return {
    executionId,
    history: [],
    recordedActions: [],
    nextTaskId: 0,
    retryChains: [],
    retryTaskIds: {},
    retryTimerIds: {},
    canceledTimerIds: [],
  };
}

/** Parses a stored document, or throws {@link HistoryCorruptError} naming the instance and the first defect. */
export function parseInstanceRecord(instanceId: string, document: unknown): InstanceRecord {
  const parsed = instanceRecordSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.') || '<root>'}: ${issue.message}`;
    throw new HistoryCorruptError(instanceId, where, { cause: parsed.error });
  }
  if (parsed.data.instanceId !== instanceId) {
    throw new HistoryCorruptError(instanceId, `document belongs to instance '${parsed.data.instanceId}'`);
  }
  return parsed.data;
}
