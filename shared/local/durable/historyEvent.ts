import { z } from 'zod';

/** Durable Task history event types (the numbers `durable-functions` reads as `EventType`). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

const EVENT_TYPE_NAMES = new Map<number, string>(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

export function eventTypeName(type: number): string {
  return EVENT_TYPE_NAMES.get(type) ?? `EventType${type}`;
}

export const failureDetailsSchema = z.object({
  ErrorType: z.string(),
  ErrorMessage: z.string(),
  StackTrace: z.string().optional(),
});

export type FailureDetails = z.infer<typeof failureDetailsSchema>;

/**
 * One history event as stored: plain JSON with the Durable Task field names. `Input`,
 * `Result` are JSON text; `Timestamp` and `FireAt` are ISO instants.
 */
export const historyEventSchema = z.object({
  EventType: z.number().int().min(0).max(20),
  EventId: z.number().int(),
  Timestamp: z.string(),
  IsPlayed: z.boolean(),
  Name: z.string().optional(),
  Input: z.string().optional(),
  Result: z.string().optional(),
  TaskScheduledId: z.number().int().optional(),
  TimerId: z.number().int().optional(),
  FireAt: z.string().optional(),
  Reason: z.string().optional(),
  Details: z.string().optional(),
  FailureDetails: failureDetailsSchema.optional(),
  OrchestrationStatus: z.string().optional(),
});

export type HistoryEvent = z.infer<typeof historyEventSchema>;

function base(type: EventTypeNumber, at: Date, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, Timestamp: at.toISOString(), IsPlayed: false };
}

/** JSON text for a value, `"null"` for undefined (the library JSON.parses results). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export const historyEvents = {
  orchestratorStarted: (at: Date): HistoryEvent => base(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: Date): HistoryEvent => base(EventType.OrchestratorCompleted, at),
  executionStarted: (at: Date, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.ExecutionStarted, at),
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
  executionCompleted: (
    at: Date,
    status: string,
    result: string | undefined,
    failure?: FailureDetails,
  ): HistoryEvent => ({
    ...base(EventType.ExecutionCompleted, at),
    OrchestrationStatus: status,
    ...(result === undefined ? {} : { Result: result }),
    ...(failure === undefined ? {} : { FailureDetails: failure }),
  }),
  executionTerminated: (at: Date, reason: string): HistoryEvent => ({
    ...base(EventType.ExecutionTerminated, at),
    Input: toJsonText(reason),
  }),
  taskScheduled: (at: Date, id: number, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.TaskScheduled, at, id),
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
  taskCompleted: (at: Date, taskScheduledId: number, result: string): HistoryEvent => ({
    ...base(EventType.TaskCompleted, at),
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  taskFailed: (at: Date, taskScheduledId: number, failure: FailureDetails): HistoryEvent => ({
    ...base(EventType.TaskFailed, at),
    TaskScheduledId: taskScheduledId,
    Reason: failure.ErrorMessage,
    ...(failure.StackTrace === undefined ? {} : { Details: failure.StackTrace }),
    FailureDetails: failure,
  }),
  timerCreated: (at: Date, id: number, fireAt: Date): HistoryEvent => ({
    ...base(EventType.TimerCreated, at, id),
    FireAt: fireAt.toISOString(),
  }),
  timerFired: (at: Date, timerId: number, fireAt: string): HistoryEvent => ({
    ...base(EventType.TimerFired, at),
    TimerId: timerId,
    FireAt: fireAt,
  }),
  eventRaised: (at: Date, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.EventRaised, at),
    Name: name,
    ...(input === undefined ? {} : { Input: input }),
  }),
  continueAsNew: (at: Date, input: string | undefined): HistoryEvent => ({
    ...base(EventType.ContinueAsNew, at),
    ...(input === undefined ? {} : { Input: input }),
  }),
};
