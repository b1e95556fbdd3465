import { EventType, type HistoryEvent } from './historyEvent';
import { type InstanceRecord, isTerminal } from './instanceRecord';

export interface PendingActivity {
  readonly taskId: number;
  readonly name: string;
  readonly input: string | undefined;
}

export interface PendingTimer {
  readonly timerId: number;
  readonly fireAt: string;
}

/**
 * What a restarted runtime must re-start for a stored instance: activities scheduled in the
 * current execution whose completion is neither in the history nor waiting in the inbox (they
 * run again: at least once, as on Azure), and timers created but neither fired nor cancelled.
 */
export function pendingWorkOf(record: InstanceRecord): {
  activities: PendingActivity[];
  timers: PendingTimer[];
} {
  if (isTerminal(record.runtimeStatus)) return { activities: [], timers: [] };
  const execution = record.execution;
  const queued: HistoryEvent[] = record.inbox
    .filter((m) => m.executionId === null || m.executionId === execution.executionId)
    .map((m) => m.event);
  const events = [...execution.history, ...queued];
  const completedTasks = new Set<number>();
  const firedTimers = new Set<number>();
  for (const event of events) {
    if (
      (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) &&
      event.TaskScheduledId !== undefined
    ) {
      completedTasks.add(event.TaskScheduledId);
    }
    if (event.EventType === EventType.TimerFired && event.TimerId !== undefined)
      firedTimers.add(event.TimerId);
  }
  const activities: PendingActivity[] = [];
  const timers: PendingTimer[] = [];
  for (const event of execution.history) {
    if (event.EventType === EventType.TaskScheduled && !completedTasks.has(event.EventId)) {
      activities.push({ taskId: event.EventId, name: event.Name ?? '', input: event.Input });
    }
    if (
      event.EventType === EventType.TimerCreated &&
      event.FireAt !== undefined &&
      !firedTimers.has(event.EventId) &&
      !execution.canceledTimerIds.includes(event.EventId)
    ) {
      timers.push({ timerId: event.EventId, fireAt: event.FireAt });
    }
  }
  return { activities, timers };
}
