import { randomUUID } from 'node:crypto';

import type { Clock } from '../../ports/clock';
import { type EventPublisher, STAMP_EVENT_TYPES, type StampCloudEvent } from '../../ports/eventPublisher';
import { describeError, type HostLog, silentLog } from '../host/hostLog';
import { IdleWaiters } from '../idleWaiters';
import { EventTooLargeError, InvalidEventError } from './errors';
import { AEG_EVENT_TYPE, CLOUDEVENTS_CONTENT_TYPE, eventSchemaOf, MAX_EVENT_BYTES } from './schemas';

/** The path of the Functions host's Event Grid trigger webhook. */
export const EVENT_GRID_WEBHOOK_PATH = '/runtime/webhooks/eventgrid';

/**
 * Event Grid's retry schedule (10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, then
 * every 12 h up to 30 attempts or 24 h) compressed to its first seven steps: eight attempts
 * within about two hours of simulated time. src: docs/azure.md §1, "Delivery guarantees".
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  10_000,
  30_000,
  60_000,
  5 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
];

/** Statuses a webhook never gets a retry for; the event is dead-lettered at once. */
const NON_RETRIABLE = new Set([400, 401, 413]);

export type DeliveryStatus = 'delivering' | 'retrying' | 'delivered' | 'deadLettered';

export interface DeliveryAttempt {
  readonly at: string;
  /** The HTTP status, or undefined when the request itself failed. */
  readonly status: number | undefined;
  readonly error?: string;
}

/** One event on its way to one subscription (an Event Grid trigger function). */
export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly functionName: string;
  readonly publishedAt: string;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
  readonly nextAttemptAt?: string;
  readonly deadLetterReason?: 'NonRetriableStatus' | 'MaxDeliveryAttemptsExceeded' | 'TimeToLiveExceeded';
}

/** Sends one request; injectable so a test can fail deliveries on purpose. */
export type WebhookTransport = (
  url: string,
  init: { readonly headers: Record<string, string>; readonly body: string },
) => Promise<{ readonly status: number }>;

const fetchTransport: WebhookTransport = async (url, init) => {
  const response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body });
  await response.arrayBuffer(); // drain, so the connection can be reused
  return { status: response.status };
};

export interface LocalEventGridOptions {
  readonly clock: Clock;
  /** Delay before retry n (n = 1, 2, ...); the length bounds the attempts unless `maxAttempts` is set. */
  readonly retryDelaysMs?: readonly number[];
  readonly maxAttempts?: number;
  /** Event time-to-live (Event Grid default 1440 minutes). */
  readonly eventTimeToLiveMs?: number;
  readonly transport?: WebhookTransport;
  readonly log?: HostLog;
}

/** Where the local host serves the webhook and which Event Grid functions it has. */
export interface EventGridEndpoint {
  readonly origin: string;
  readonly functionNames: readonly string[];
}

interface Delivery {
  readonly id: string;
  readonly event: StampCloudEvent;
  readonly body: string;
  readonly functionName: string;
  readonly url: string;
  readonly publishedAt: number;
  status: DeliveryStatus;
  readonly attempts: DeliveryAttempt[];
  nextAttemptAt: number | undefined;
  deadLetterReason: DeliveryRecord['deadLetterReason'];
}

/**
 * A local Event Grid topic implementing the {@link EventPublisher} port. `publish` accepts the
 * CloudEvents and returns; each event is then POSTed, one per request, to the webhook of every
 * Event Grid trigger function of the local host (`/runtime/webhooks/eventgrid?functionName=`,
 * `aeg-event-type: Notification`), the path external tools use too. Delivery is at least once:
 * a failed request is retried on the clock; 400, 401 and 413 are never retried and, like the
 * exhausted ones, recorded as dead-lettered.
 *
 * @example
 * const eventGrid = new LocalEventGrid({ clock });
 * eventGrid.attach({ origin: 'http://127.0.0.1:7071', functionNames: ['onStampSignal'] });
 * await eventGrid.publish([stampCloudEvent(STAMP_EVENT_TYPES.CapacityHigh, id, 'stamp-001', now, data)]);
 * await eventGrid.idle();
 */
export class LocalEventGrid implements EventPublisher {
  private readonly clock: Clock;
  private readonly log: HostLog;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxAttempts: number;
  private readonly ttlMs: number;
  private readonly transport: WebhookTransport;
  private endpoint: EventGridEndpoint | undefined;
  private readonly records: Delivery[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly waits = new Set<AbortController>();
  private readonly idleWaiters = new IdleWaiters(() => this.isIdle);
  private attemptsStarted = 0;
  private closed = false;

  constructor(options: LocalEventGridOptions) {
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxAttempts = options.maxAttempts ?? this.retryDelaysMs.length + 1;
    this.ttlMs = options.eventTimeToLiveMs ?? 24 * 60 * 60_000;
    this.transport = options.transport ?? fetchTransport;
  }

  /** Points deliveries at a host; the local host calls this when it starts. */
  attach(endpoint: EventGridEndpoint): void {
    this.endpoint = endpoint;
  }

  detach(): void {
    this.endpoint = undefined;
  }

  /**
   * Validates and accepts the events (as the topic does before answering 200), then delivers
   * them in the background. Throws {@link InvalidEventError} or {@link EventTooLargeError}
   * without accepting any event of the batch.
   */
  publish(events: readonly StampCloudEvent[]): Promise<void> {
    // The executor turns a validation throw into a rejection, as an async publisher would.
    return new Promise<void>((resolve) => {
      this.accept(events);
      resolve();
    });
  }

  private accept(events: readonly StampCloudEvent[]): void {
    const bodies = events.map((event) => {
      const schema = eventSchemaOf(event);
      if ('problem' in schema) throw new InvalidEventError(schema.problem);
      if (schema.schema !== 'cloudEvents')
        throw new InvalidEventError('this topic accepts CloudEvents 1.0 only');
      const body = JSON.stringify(event);
      if (Buffer.byteLength(body) > MAX_EVENT_BYTES) {
        throw new EventTooLargeError(`event '${event.id}' is larger than ${MAX_EVENT_BYTES} bytes`);
      }
      return body;
    });
    // An incident goes to whoever subscribes on Azure; locally nobody does, so the log shows it.
    for (const event of events)
      if (event.type === STAMP_EVENT_TYPES.IncidentRaised) {
        const data = event.data as { incident?: unknown; detail?: unknown };
        this.log('warn', `incident ${String(data.incident)} on ${event.subject}: ${String(data.detail)}`);
      }
    const endpoint = this.endpoint;
    if (endpoint === undefined || endpoint.functionNames.length === 0) {
      this.log('warn', `eventgrid: ${events.length} event(s) published with no subscription; dropped`);
      return;
    }
    const now = this.clock.now().getTime();
    events.forEach((event, index) => {
      for (const functionName of endpoint.functionNames) {
        const delivery: Delivery = {
          id: randomUUID(),
          event,
          body: bodies[index] ?? '',
          functionName,
          url: `${endpoint.origin}${EVENT_GRID_WEBHOOK_PATH}?functionName=${encodeURIComponent(functionName)}`,
          publishedAt: now,
          status: 'delivering',
          attempts: [],
          nextAttemptAt: undefined,
          deadLetterReason: undefined,
        };
        this.records.push(delivery);
        this.attempt(delivery);
      }
    });
  }

  /** Every delivery so far, oldest first. */
  deliveries(): DeliveryRecord[] {
    return this.records.map(toRecord);
  }

  /** The dead-lettered deliveries (Event Grid's dead-letter container, on here). */
  deadLetters(): DeliveryRecord[] {
    return this.records.filter((d) => d.status === 'deadLettered').map(toRecord);
  }

  /** How many delivery attempts have started (the host's idle loop watches it). */
  get attemptCount(): number {
    return this.attemptsStarted;
  }

  /** True when no request is in flight. Retries waiting for the clock do not count. */
  get isIdle(): boolean {
    return this.inflight.size === 0;
  }

  idle(): Promise<void> {
    return this.idleWaiters.wait();
  }

  /** Stops retrying and waits for requests in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.waits) controller.abort();
    this.waits.clear();
    await Promise.allSettled([...this.inflight]);
  }

  private attempt(delivery: Delivery): void {
    if (this.closed) return;
    this.attemptsStarted++;
    delivery.status = 'delivering';
    delivery.nextAttemptAt = undefined;
    const work = this.send(delivery);
    this.inflight.add(work);
    void work.finally(() => {
      this.inflight.delete(work);
      this.idleWaiters.check();
    });
  }

  private async send(delivery: Delivery): Promise<void> {
    const attemptNumber = delivery.attempts.length + 1;
    const at = this.clock.now().toISOString();
    let status: number | undefined;
    try {
      ({ status } = await this.transport(delivery.url, {
        headers: {
          'content-type': CLOUDEVENTS_CONTENT_TYPE,
          'aeg-event-type': AEG_EVENT_TYPE.Notification,
          'aeg-delivery-count': String(attemptNumber - 1),
          'aeg-subscription-name': delivery.functionName.toUpperCase(),
          'aeg-metadata-version': '1',
        },
        body: delivery.body,
      }));
      delivery.attempts.push({ at, status });
    } catch (error) {
      delivery.attempts.push({ at, status: undefined, error: describeError(error) });
    }
    if (status !== undefined && status >= 200 && status <= 204) {
      delivery.status = 'delivered';
      return;
    }
    const what = `eventgrid: ${delivery.event.type} ${delivery.event.id} -> ${delivery.functionName}`;
    if (status !== undefined && NON_RETRIABLE.has(status)) {
      this.deadLetter(delivery, 'NonRetriableStatus', `${what}: ${status}, not retried; dead-lettered`);
      return;
    }
    const delay = this.retryDelaysMs[Math.min(attemptNumber - 1, this.retryDelaysMs.length - 1)] ?? 0;
    const next = this.clock.now().getTime() + delay;
    if (attemptNumber >= this.maxAttempts) {
      this.deadLetter(
        delivery,
        'MaxDeliveryAttemptsExceeded',
        `${what}: ${attemptNumber} attempts failed; dead-lettered`,
      );
      return;
    }
    if (next > delivery.publishedAt + this.ttlMs) {
      this.deadLetter(delivery, 'TimeToLiveExceeded', `${what}: time to live exceeded; dead-lettered`);
      return;
    }
    delivery.status = 'retrying';
    delivery.nextAttemptAt = next;
    this.log(
      'warn',
      `${what}: attempt ${attemptNumber} failed (${status ?? 'no response'}); retry at ${new Date(next).toISOString()}`,
    );
    const controller = new AbortController();
    this.waits.add(controller);
    this.clock.sleepUntil(new Date(next), controller.signal).then(
      () => {
        this.waits.delete(controller);
        this.attempt(delivery);
      },
      () => this.waits.delete(controller),
    );
  }

  private deadLetter(
    delivery: Delivery,
    reason: NonNullable<Delivery['deadLetterReason']>,
    message: string,
  ): void {
    delivery.status = 'deadLettered';
    delivery.deadLetterReason = reason;
    this.log('error', message);
  }
}

function toRecord(delivery: Delivery): DeliveryRecord {
  return {
    id: delivery.id,
    eventId: delivery.event.id,
    eventType: delivery.event.type,
    functionName: delivery.functionName,
    publishedAt: new Date(delivery.publishedAt).toISOString(),
    status: delivery.status,
    attempts: [...delivery.attempts],
    ...(delivery.nextAttemptAt === undefined
      ? {}
      : { nextAttemptAt: new Date(delivery.nextAttemptAt).toISOString() }),
    ...(delivery.deadLetterReason === undefined ? {} : { deadLetterReason: delivery.deadLetterReason }),
  };
}
