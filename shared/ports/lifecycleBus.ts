import type { StampEvent } from '../lifecycle/events';
import type { OperatorCommand } from '../lifecycle/operatorCommands';

/**
 * The port to the `stamp-lifecycle` Service Bus queue (sessions keyed by stamp id, duplicate
 * detection on): the drain timer as a scheduled message, and operator commands.
 */
export const LIFECYCLE_QUEUE = 'stamp-lifecycle';

export interface DrainTimerMessage {
  readonly kind: 'drain-timer';
  readonly stampId: string;
  /** The drain this timer belongs to; a timer from an earlier drain is stale and ignored. */
  readonly drainId: string;
  readonly dueAt: string;
}

export interface OperatorCommandMessage {
  readonly kind: 'command';
  readonly stampId: string;
  /** Idempotency key of the command. */
  readonly commandId: string;
  readonly command: OperatorCommand;
  readonly actor: string;
  readonly reason: string;
  readonly override?: boolean;
  readonly drainMinutes?: number;
}

/**
 * Asks the fleet reconciler to run (handled where a durable client can start new stamps). Every
 * request shares the session {@link FLEET_SESSION}, so Service Bus hands them over one at a time:
 * two reconciliations never plan the same deficit at once.
 */
export interface FleetReconcileMessage {
  readonly kind: 'reconcile-fleet';
  /** Deterministic per cause (a stamp's transition, a timer tick), so a resend is dropped. */
  readonly requestId: string;
  readonly requestedAt: string;
  readonly reason: string;
}

/** The session of every fleet reconciliation request. */
export const FLEET_SESSION = 'fleet';

/** An event for another stamp's orchestration (e.g. "your replacement is active"). */
export interface StampEventMessage {
  readonly kind: 'stamp-event';
  readonly stampId: string;
  readonly event: StampEvent;
}

export type LifecycleMessage =
  DrainTimerMessage | OperatorCommandMessage | FleetReconcileMessage | StampEventMessage;

/** The message's session: its stamp, or the fleet's for a reconciliation request. */
export function lifecycleSessionId(message: LifecycleMessage): string {
  return message.kind === 'reconcile-fleet' ? FLEET_SESSION : message.stampId;
}

/** Deterministic message ids, so that duplicate detection drops a resend. */
export function lifecycleMessageId(message: LifecycleMessage): string {
  switch (message.kind) {
    case 'drain-timer':
      return `${message.stampId}:drain-timer:${message.drainId}`;
    case 'command':
      return `${message.stampId}:command:${message.commandId}`;
    case 'reconcile-fleet':
      return `${FLEET_SESSION}:reconcile:${message.requestId}`;
    case 'stamp-event':
      return `${message.stampId}:event:${message.event.id}`;
  }
}

export interface LifecycleBus {
  /**
   * Schedules the drain timer for `dueAt` (sessionId from {@link lifecycleSessionId}, messageId from
   * {@link lifecycleMessageId}). Returns the sequence number, as a string, to cancel it.
   */
  scheduleDrainTimer(message: DrainTimerMessage): Promise<{ readonly sequenceNumber: string }>;
  /** Cancels a scheduled message; one already delivered or unknown is not an error. */
  cancelScheduled(sequenceNumber: string): Promise<void>;
  send(message: LifecycleMessage): Promise<void>;
}
