import type { ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';

import { TerminalError, TransientError, ValidationError } from '../errors';
import {
  type LifecycleBus,
  type LifecycleMessage,
  lifecycleMessageId,
  lifecycleSessionId,
} from '../ports/lifecycleBus';
import { lazy } from './lazy';

/** The part of a `ServiceBusSender` used here: the seam the contract tests fake (the real one needs a broker). */
export type LifecycleSender = Pick<
  ServiceBusSender,
  'scheduleMessages' | 'cancelScheduledMessages' | 'sendMessages'
>;

export interface ServiceBusLifecycleBusOptions {
  /** The sender on `stamp-lifecycle`, built once on first use. */
  readonly sender: () => Promise<LifecycleSender>;
}

/** Sequence numbers are 64-bit: kept as decimal strings, since a JS number loses precision past 2^53. */
const SEQUENCE_NUMBER = /^\d{1,19}$/;

/** `long` is the 64-bit integer type the Service Bus SDK uses; loaded with the SDK, not at import. */
const loadLong = lazy(async () => (await import('long')).default);

/**
 * The LifecycleBus on `@azure/service-bus`: queue `stamp-lifecycle` with sessions, so every
 * message carries `sessionId` = stamp id (a send without one fails on a session queue), and a
 * deterministic `messageId` so that duplicate detection drops a resend (docs/azure.md §3).
 * Bodies are the message objects; the SDK sends them as JSON (`contentType` application/json).
 *
 * - `scheduleDrainTimer`: `sender.scheduleMessages(message, dueAt)`; returns the sequence number
 *   (a `Long`) as a decimal string, the only handle to cancel it.
 * - `cancelScheduled`: the string back to a `Long`; a message already delivered or unknown
 *   (`MessageNotFound`) is not an error.
 *
 * @example
 * const { sequenceNumber } = await bus.scheduleDrainTimer({ kind: 'drain-timer', stampId, drainId, dueAt });
 * await bus.cancelScheduled(sequenceNumber);
 */
export function createServiceBusLifecycleBus(options: ServiceBusLifecycleBusOptions): LifecycleBus {
  return {
    async scheduleDrainTimer(message) {
      const dueAt = new Date(message.dueAt);
      if (Number.isNaN(dueAt.getTime())) {
        throw new ValidationError(`drain timer dueAt '${message.dueAt}' is not a date`, 'dueAt');
      }
      const sender = await options.sender();
      let sequenceNumbers;
      try {
        sequenceNumbers = await sender.scheduleMessages(toServiceBusMessage(message), dueAt);
      } catch (error) {
        throw mapServiceBusError(error, `schedule drain timer ${lifecycleMessageId(message)}`);
      }
      const [sequenceNumber] = sequenceNumbers;
      if (sequenceNumbers.length !== 1 || sequenceNumber === undefined) {
        throw new TerminalError(
          `schedule drain timer ${lifecycleMessageId(message)}: expected one sequence number, got ${sequenceNumbers.length}`,
          'UnexpectedResponse',
        );
      }
      return { sequenceNumber: sequenceNumber.toString() };
    },

    async cancelScheduled(sequenceNumber) {
      if (!SEQUENCE_NUMBER.test(sequenceNumber)) {
        throw new ValidationError(`'${sequenceNumber}' is not a sequence number`, 'sequenceNumber');
      }
      const Long = await loadLong();
      const sender = await options.sender();
      try {
        await sender.cancelScheduledMessages(Long.fromString(sequenceNumber, false));
      } catch (error) {
        if (serviceBusCodeOf(error) === 'MessageNotFound') return;
        throw mapServiceBusError(error, `cancel scheduled message ${sequenceNumber}`);
      }
    },

    async send(message) {
      const sender = await options.sender();
      try {
        await sender.sendMessages(toServiceBusMessage(message));
      } catch (error) {
        throw mapServiceBusError(error, `send ${lifecycleMessageId(message)}`);
      }
    },
  };
}

/** The exact message handed to the SDK: session from lifecycleSessionId, deterministic id, JSON body. */
export function toServiceBusMessage(message: LifecycleMessage): ServiceBusMessage {
  return {
    body: message,
    contentType: 'application/json',
    sessionId: lifecycleSessionId(message),
    messageId: lifecycleMessageId(message),
    subject: message.kind,
  };
}

function serviceBusCodeOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { code } = thrown as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Codes no retry fixes: a missing or disabled queue, a refused identity, a message too large. */
const TERMINAL_CODES = new Set([
  'MessagingEntityNotFound',
  'MessagingEntityDisabled',
  'MessageSizeExceeded',
  'UnauthorizedAccess',
]);
/** Codes a later retry can get past (a full queue drains, a busy namespace recovers). */
const TRANSIENT_CODES = new Set([
  'ServiceBusy',
  'ServiceTimeout',
  'ServiceCommunicationProblem',
  'QuotaExceeded',
  'SessionCannotBeLocked',
]);

/**
 * Service Bus errors by code; for any other code, the error's own `retryable` (which the SDK sets
 * when it translates an AMQP failure, and which defaults to true).
 */
export function mapServiceBusError(thrown: unknown, what: string): Error {
  const code = serviceBusCodeOf(thrown) ?? 'ServiceBusError';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const text = `${what}: ${code}: ${message}`;
  if (TERMINAL_CODES.has(code)) return new TerminalError(text, code, { cause: thrown });
  const retryable =
    TRANSIENT_CODES.has(code) ||
    (typeof thrown === 'object' && thrown !== null && (thrown as { retryable?: unknown }).retryable === true);
  return retryable
    ? new TransientError(text, code, { cause: thrown })
    : new TerminalError(text, code, { cause: thrown });
}
