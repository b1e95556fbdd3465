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
  readonly command: 'drain' | 'isolate' | 'verify' | 'cleanup';
  readonly actor: string;
  readonly reason: string;
  readonly override?: boolean;
  readonly drainMinutes?: number;
}

export type LifecycleMessage = DrainTimerMessage | OperatorCommandMessage;

/** Deterministic message ids, so that duplicate detection drops a resend. */
export function lifecycleMessageId(message: LifecycleMessage): string {
  return message.kind === 'drain-timer'
    ? `${message.stampId}:drain-timer:${message.drainId}`
    : `${message.stampId}:command:${message.commandId}`;
}

export interface LifecycleBus {
  /**
   * Schedules the drain timer for `dueAt` (sessionId = stamp id, messageId from
   * {@link lifecycleMessageId}). Returns the sequence number, as a string, to cancel it.
   */
  scheduleDrainTimer(message: DrainTimerMessage): Promise<{ readonly sequenceNumber: string }>;
  /** Cancels a scheduled message; one already delivered or unknown is not an error. */
  cancelScheduled(sequenceNumber: string): Promise<void>;
  send(message: LifecycleMessage): Promise<void>;
}
