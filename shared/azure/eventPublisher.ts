import type { EventGridPublisherClient, SendCloudEventInput } from '@azure/eventgrid';

import { ValidationError } from '../errors';
import type { EventPublisher, StampCloudEvent } from '../ports/eventPublisher';
import { mapAzureError } from './errors';

/** The part of `EventGridPublisherClient<'CloudEvent'>` used here; a seam for tests and the lazy load. */
export type EventGridClient = Pick<EventGridPublisherClient<'CloudEvent'>, 'send'>;

export interface EventGridEventPublisherOptions {
  readonly client: () => Promise<EventGridClient>;
}

/**
 * The EventPublisher on `@azure/eventgrid`, CloudEvents 1.0 schema: each StampCloudEvent becomes
 * the SDK's CloudEvent input field for field (type, source, id, subject, time, data,
 * datacontenttype). `time` is handed over as a Date, so it goes out as ISO 8601 with milliseconds.
 *
 * @example
 * await publisher.publish([stampCloudEvent(STAMP_EVENT_TYPES.PhaseChanged, id, 'weu-001', now, { phase: 'active' })]);
 */
export function createEventGridEventPublisher(options: EventGridEventPublisherOptions): EventPublisher {
  return {
    async publish(events) {
      if (events.length === 0) return;
      const converted = events.map(toSdkCloudEvent);
      const client = await options.client();
      try {
        await client.send(converted);
      } catch (error) {
        throw mapAzureError(error, `publish ${events.length} event(s) to Event Grid`);
      }
    },
  };
}

/** The exact CloudEvent input handed to the SDK. */
export function toSdkCloudEvent(event: StampCloudEvent): SendCloudEventInput<unknown> {
  const time = new Date(event.time);
  if (Number.isNaN(time.getTime())) {
    throw new ValidationError(`event ${event.id}: time '${event.time}' is not a date`, 'time');
  }
  return {
    type: event.type,
    source: event.source,
    id: event.id,
    subject: event.subject,
    time,
    data: event.data,
    datacontenttype: event.datacontenttype,
    // An extension attribute at the event's top level, as the distributed-tracing extension puts it.
    ...(event.traceparent === undefined ? {} : { extensionAttributes: { traceparent: event.traceparent } }),
  };
}
