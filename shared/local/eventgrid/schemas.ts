/**
 * The two event schemas an Event Grid webhook receives (docs/azure.md §1): the Event
 * Grid schema (`id, topic, subject, eventType, eventTime, data, dataVersion, metadataVersion`,
 * always POSTed as a JSON array) and CloudEvents 1.0 (`specversion, type, source, id, ...`,
 * one event per request, or an array in batch mode).
 */

/** The event type of the Event Grid schema's subscription-validation request. */
export const SUBSCRIPTION_VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** `aeg-event-type` header values. */
export const AEG_EVENT_TYPE = {
  Notification: 'Notification',
  SubscriptionValidation: 'SubscriptionValidation',
  SubscriptionDeletion: 'SubscriptionDeletion',
} as const;

/** Event Grid's per-event size limit. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export type EventSchema = 'cloudEvents' | 'eventGrid';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Which schema an event follows, or why it follows none. */
export function eventSchemaOf(event: unknown): { schema: EventSchema } | { problem: string } {
  if (!isRecord(event)) return { problem: 'an event must be a JSON object' };
  if ('specversion' in event) {
    if (event['specversion'] !== '1.0')
      return { problem: `unsupported CloudEvents specversion ${String(event['specversion'])}` };
    for (const field of ['id', 'source', 'type'] as const) {
      if (!nonEmptyString(event[field])) return { problem: `a CloudEvent needs a non-empty '${field}'` };
    }
    return { schema: 'cloudEvents' };
  }
  for (const field of ['id', 'eventType', 'subject', 'eventTime'] as const) {
    if (!nonEmptyString(event[field])) {
      return {
        problem: `an Event Grid event needs a non-empty '${field}' (or a CloudEvent its 'specversion')`,
      };
    }
  }
  return { schema: 'eventGrid' };
}

/** The validation code of a subscription-validation request body, if it is one. */
export function validationCodeOf(body: unknown): string | undefined {
  const events = Array.isArray(body) ? (body as unknown[]) : [body];
  for (const event of events) {
    if (!isRecord(event) || event['eventType'] !== SUBSCRIPTION_VALIDATION_EVENT) continue;
    const data = event['data'];
    if (isRecord(data) && nonEmptyString(data['validationCode'])) return data['validationCode'];
  }
  return undefined;
}
