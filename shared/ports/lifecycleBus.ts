import type { StampEvent } from '../lifecycle/events';

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

/** Asks for the replacement of an isolated stamp (handled where a durable client can start it). */
export interface ReplacementMessage {
  readonly kind: 'replacement';
  /** The isolated stamp; also the session, so its requests are handled in order. */
  readonly stampId: string;
  readonly region: string;
  readonly excludeRegions: readonly string[];
  readonly requestId: string;
}

/** An event for another stamp's orchestration (e.g. "your replacement is active"). */
export interface StampEventMessage {
  readonly kind: 'stamp-event';
  readonly stampId: string;
  readonly event: StampEvent;
}

export type LifecycleMessage =
  DrainTimerMessage | OperatorCommandMessage | ReplacementMessage | StampEventMessage;

/** Deterministic message ids, so that duplicate detection drops a resend. */
export function lifecycleMessageId(message: LifecycleMessage): string {
  switch (message.kind) {
    case 'drain-timer':
      return `${message.stampId}:drain-timer:${message.drainId}`;
    case 'command':
      return `${message.stampId}:command:${message.commandId}`;
    case 'replacement':
      return `${message.stampId}:replacement:${message.requestId}`;
    case 'stamp-event':
      return `${message.stampId}:event:${message.event.id}`;
  }
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
