import { randomUUID } from 'node:crypto';

import { InvalidMessageError } from './errors';

/** Application properties: Service Bus carries only scalars there. */
export type ApplicationProperties = Readonly<Record<string, string | number | boolean | null>>;

/** A message as a sender gives it (the subset of `ServiceBusMessage` the control plane uses). */
export interface OutgoingMessage {
  /** A JSON-serializable value, or a string sent as is. */
  readonly body: unknown;
  /** Duplicate detection key; a random id when absent, as the SDK does. */
  readonly messageId?: string;
  readonly sessionId?: string;
  readonly contentType?: string;
  readonly correlationId?: string;
  readonly subject?: string;
  readonly applicationProperties?: ApplicationProperties;
}

/** A message held by a queue. `body` is the text that travels; handlers get it parsed. */
export interface StoredMessage {
  readonly queueName: string;
  readonly sequenceNumber: number;
  readonly messageId: string;
  readonly sessionId: string | undefined;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly subject: string | undefined;
  readonly applicationProperties: ApplicationProperties;
  readonly body: string;
  readonly enqueuedTimeUtc: string;
  readonly deliveryCount: number;
  /** `active` waits for a receiver; `locked` is being handled (peek-lock); `scheduled` waits for its time. */
  readonly state: 'active' | 'locked' | 'scheduled';
  readonly scheduledEnqueueTimeUtc: string | undefined;
}

/** A message moved to `<queue>/$deadletterqueue`. */
export interface DeadLetteredMessage extends Omit<StoredMessage, 'state'> {
  readonly deadLetterReason: string;
  readonly deadLetterErrorDescription: string;
  readonly deadLetteredAtUtc: string;
  /** The last error the handler threw. */
  readonly lastError: string | undefined;
}

/** What a receiver gets: the body as the Functions worker parses it, and the trigger metadata. */
export interface ReceivedMessage {
  readonly body: unknown;
  readonly triggerMetadata: Readonly<Record<string, unknown>>;
  readonly message: StoredMessage;
}

/** The text that travels: a string as is, anything else as JSON. */
export function encodeBody(body: unknown): string {
  if (typeof body === 'string') return body;
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    throw new InvalidMessageError('the message body is not JSON-serializable', { cause });
  }
  if (text === undefined) throw new InvalidMessageError('the message body is not JSON-serializable');
  return text;
}

/** As the worker's `fromRpcTypedData`: JSON text becomes the parsed value, other text stays a string. */
export function decodeBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function messageIdOf(message: OutgoingMessage): string {
  return message.messageId ?? randomUUID().replaceAll('-', '');
}

/** How long a delivery holds its lock (`maxAutoLockRenewalDuration`, default 5 minutes). */
export const LOCK_DURATION_MS = 5 * 60_000;

/**
 * The trigger metadata the Functions host binds for one Service Bus message, with the keys
 * camel-cased as `@azure/functions` hands them to a handler (`fromRpcTriggerMetadata`).
 */
export function serviceBusTriggerMetadata(message: StoredMessage, now: Date): Record<string, unknown> {
  return {
    messageId: message.messageId,
    deliveryCount: message.deliveryCount,
    enqueuedTimeUtc: message.enqueuedTimeUtc,
    sequenceNumber: message.sequenceNumber,
    ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
    ...(message.contentType === undefined ? {} : { contentType: message.contentType }),
    ...(message.correlationId === undefined ? {} : { correlationId: message.correlationId }),
    ...(message.subject === undefined ? {} : { subject: message.subject, label: message.subject }),
    applicationProperties: { ...message.applicationProperties },
    userProperties: { ...message.applicationProperties },
    lockToken: randomUUID(),
    lockedUntilUtc: new Date(now.getTime() + LOCK_DURATION_MS).toISOString(),
  };
}
