import type { Clock } from '../../ports/clock';
import {
  type DrainTimerMessage,
  LIFECYCLE_QUEUE,
  type LifecycleBus,
  type LifecycleMessage,
  lifecycleMessageId,
  lifecycleSessionId,
} from '../../ports/lifecycleBus';
import { describeError, type HostLog, silentLog } from '../host/hostLog';
import { IdleWaiters } from '../idleWaiters';
import { BusClosedError, SessionIdRequiredError, SessionModeMismatchError } from './errors';
import {
  type DeadLetteredMessage,
  decodeBody,
  encodeBody,
  messageIdOf,
  type OutgoingMessage,
  type ReceivedMessage,
  serviceBusTriggerMetadata,
  type StoredMessage,
} from './messages';

/** How a queue was created (Service Bus entity properties). */
export interface QueueOptions {
  /** `requiresSession`: every message needs a sessionId; one message per session in flight. */
  readonly requiresSession?: boolean;
  /** Deliveries before a message is dead-lettered (Service Bus default 10). */
  readonly maxDeliveryCount?: number;
  /** Duplicate detection window on messageId in simulated ms (default 10 minutes; 0 turns it off). */
  readonly duplicateDetectionWindowMs?: number;
}

export interface LocalServiceBusOptions {
  /** Drives scheduled delivery and duplicate detection (simulated time). */
  readonly clock: Clock;
  /**
   * Queue properties by name. Unlisted queues are created on first use with the defaults;
   * `stamp-lifecycle` defaults to requiring sessions (docs/architecture.md §6).
   */
  readonly queues?: Readonly<Record<string, QueueOptions>>;
  readonly log?: HostLog;
}

/** A receiver: resolves to complete the message, rejects to abandon it. */
export type MessageHandler = (received: ReceivedMessage) => Promise<void>;

export interface SubscribeOptions {
  /** The trigger's `isSessionsEnabled`; must match the queue's `requiresSession`. */
  readonly sessions?: boolean;
  /** `maxConcurrentCalls` (16) or, for sessions, `maxConcurrentSessions` (8), as in host.json. */
  readonly maxConcurrent?: number;
}

interface Entry {
  readonly queueName: string;
  sequenceNumber: number;
  readonly messageId: string;
  readonly sessionId: string | undefined;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly subject: string | undefined;
  readonly applicationProperties: Readonly<Record<string, string | number | boolean | null>>;
  readonly body: string;
  enqueuedTimeUtc: string;
  deliveryCount: number;
  state: 'active' | 'locked' | 'scheduled';
  readonly scheduledEnqueueTimeUtc: string | undefined;
  lastError: string | undefined;
}

/** A message kept across a restart of the local host. */
export interface PersistedMessage {
  readonly queueName: string;
  readonly messageId: string;
  readonly sessionId?: string;
  readonly contentType?: string;
  readonly correlationId?: string;
  readonly subject?: string;
  readonly applicationProperties: Readonly<Record<string, string | number | boolean | null>>;
  /** The text that travels (sent again as is). */
  readonly body: string;
  readonly scheduledAt?: string;
}

interface Subscription {
  readonly handler: MessageHandler;
  readonly limit: number;
  inflight: number;
}

interface Queue {
  readonly name: string;
  readonly requiresSession: boolean;
  readonly maxDeliveryCount: number;
  readonly duplicateWindowMs: number;
  nextSequence: number;
  /** Active and locked messages in sequence order. */
  active: Entry[];
  readonly scheduled: Map<number, { entry: Entry; controller: AbortController }>;
  readonly deadLetters: DeadLetteredMessage[];
  /** messageId -> accepted at (simulated ms), for duplicate detection. */
  readonly seenIds: Map<string, { at: number; sequenceNumber: number }>;
  readonly lockedSessions: Set<string>;
  readonly subscriptions: Subscription[];
  pumpScheduled: boolean;
}

const DEFAULT_MAX_DELIVERY_COUNT = 10;
const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

function snapshot(entry: Entry): StoredMessage {
  const { lastError: _lastError, ...stored } = entry;
  return { ...stored };
}

/**
 * A local queue with Service Bus semantics, implementing the {@link LifecycleBus} port:
 * peek-lock (a message is locked while its handler runs), complete when the handler resolves,
 * abandon when it rejects (redelivered at once with deliveryCount + 1), dead-letter after
 * `maxDeliveryCount` deliveries (`MaxDeliveryCountExceeded`), scheduled delivery on the
 * injected clock, FIFO per session (one message of a session in flight, sessions in
 * parallel) and duplicate detection on messageId. Everything is in memory.
 *
 * @example
 * const bus = new LocalServiceBus({ clock });
 * bus.subscribe('stamp-lifecycle', async (m) => handle(m.body), { sessions: true });
 * const { sequenceNumber } = await bus.scheduleDrainTimer(timer);
 * await bus.idle();
 */
export class LocalServiceBus implements LifecycleBus {
  private readonly clock: Clock;
  private readonly log: HostLog;
  private readonly queueOptions: Readonly<Record<string, QueueOptions>>;
  private readonly queues = new Map<string, Queue>();
  private readonly inflightWork = new Set<Promise<void>>();
  private readonly idleWaiters = new IdleWaiters(() => this.isIdle);
  private deliveries = 0;
  private closed = false;

  constructor(options: LocalServiceBusOptions) {
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.queueOptions = { [LIFECYCLE_QUEUE]: { requiresSession: true }, ...options.queues };
  }

  // ---- LifecycleBus ----------------------------------------------------------------------

  async scheduleDrainTimer(message: DrainTimerMessage): Promise<{ readonly sequenceNumber: string }> {
    const sequenceNumber = await this.scheduleMessage(
      LIFECYCLE_QUEUE,
      lifecycleOutgoing(message),
      new Date(message.dueAt),
    );
    return { sequenceNumber };
  }

  cancelScheduled(sequenceNumber: string): Promise<void> {
    return this.cancelScheduledMessage(LIFECYCLE_QUEUE, sequenceNumber);
  }

  send(message: LifecycleMessage): Promise<void> {
    return this.sendMessage(LIFECYCLE_QUEUE, lifecycleOutgoing(message));
  }

  // ---- producer --------------------------------------------------------------------------

  /** Enqueues a message now. A duplicate messageId within the window succeeds and is dropped. */
  sendMessage(queueName: string, message: OutgoingMessage): Promise<void> {
    // Promise executors turn a refusal (no sessionId, closed) into a rejection, as the SDK's would be.
    return new Promise<void>((resolve) => {
      const queue = this.acceptable(queueName, message);
      const entry = this.newEntry(queue, message, undefined);
      if (!this.isDuplicate(queue, entry)) this.activate(queue, entry);
      resolve();
    });
  }

  /**
   * Schedules a message for `at` (simulated) and returns its sequence number as a string, to
   * cancel it. A duplicate within the window is dropped and the first one's number returned.
   */
  scheduleMessage(queueName: string, message: OutgoingMessage, at: Date): Promise<string> {
    return new Promise<string>((resolve) => resolve(this.schedule(queueName, message, at)));
  }

  private schedule(queueName: string, message: OutgoingMessage, at: Date): string {
    const queue = this.acceptable(queueName, message);
    const entry = this.newEntry(queue, message, at);
    const previous = this.duplicateOf(queue, entry);
    if (previous !== undefined) return String(previous);
    this.recordId(queue, entry);
    entry.state = 'scheduled';
    const controller = new AbortController();
    queue.scheduled.set(entry.sequenceNumber, { entry, controller });
    this.clock.sleepUntil(at, controller.signal).then(
      () => {
        if (queue.scheduled.get(entry.sequenceNumber)?.controller !== controller) return;
        queue.scheduled.delete(entry.sequenceNumber);
        // As on Service Bus, the message gets a new sequence number when it becomes active.
        entry.sequenceNumber = queue.nextSequence++;
        entry.enqueuedTimeUtc = this.clock.now().toISOString();
        entry.state = 'active';
        this.activate(queue, entry);
      },
      () => undefined, // cancelled or closed
    );
    return String(entry.sequenceNumber);
  }

  /**
   * The messages not yet completed (waiting, locked, scheduled), as JSON (--data-dir): a restarted
   * host sends them again, the scheduled ones for their time. Their sequence numbers are new, as
   * after a Service Bus failover; cancelling by an old number is not an error.
   */
  persisted(): PersistedMessage[] {
    const pending: PersistedMessage[] = [];
    for (const queue of this.queues.values())
      for (const entry of [...queue.active, ...[...queue.scheduled.values()].map((s) => s.entry)])
        pending.push({
          queueName: entry.queueName,
          messageId: entry.messageId,
          ...(entry.sessionId === undefined ? {} : { sessionId: entry.sessionId }),
          ...(entry.contentType === undefined ? {} : { contentType: entry.contentType }),
          ...(entry.correlationId === undefined ? {} : { correlationId: entry.correlationId }),
          ...(entry.subject === undefined ? {} : { subject: entry.subject }),
          applicationProperties: entry.applicationProperties,
          body: entry.body,
          ...(entry.state === 'scheduled' && entry.scheduledEnqueueTimeUtc !== undefined
            ? { scheduledAt: entry.scheduledEnqueueTimeUtc }
            : {}),
        });
    return pending;
  }

  async restore(messages: readonly PersistedMessage[]): Promise<void> {
    for (const { queueName, scheduledAt, ...message } of messages) {
      if (scheduledAt === undefined) await this.sendMessage(queueName, message);
      else await this.scheduleMessage(queueName, message, new Date(scheduledAt));
    }
  }

  /** Deletes a scheduled message; one already active, delivered or unknown is not an error. */
  cancelScheduledMessage(queueName: string, sequenceNumber: string): Promise<void> {
    const scheduled = this.queues.get(queueName)?.scheduled;
    const key = Number(sequenceNumber);
    const found = scheduled?.get(key);
    if (scheduled !== undefined && found !== undefined) {
      scheduled.delete(key);
      found.controller.abort();
    }
    return Promise.resolve();
  }

  // ---- consumer --------------------------------------------------------------------------

  /**
   * Registers a receiver on a queue (competing with any other). Returns the unsubscribe
   * function; deliveries in flight still complete or abandon.
   */
  subscribe(queueName: string, handler: MessageHandler, options: SubscribeOptions = {}): () => void {
    const queue = this.queue(queueName);
    const sessions = options.sessions ?? false;
    if (sessions !== queue.requiresSession)
      throw new SessionModeMismatchError(queueName, queue.requiresSession);
    const subscription: Subscription = {
      handler,
      limit: options.maxConcurrent ?? (sessions ? 8 : 16),
      inflight: 0,
    };
    queue.subscriptions.push(subscription);
    this.schedulePump(queue);
    return () => {
      const index = queue.subscriptions.indexOf(subscription);
      if (index >= 0) queue.subscriptions.splice(index, 1);
    };
  }

  // ---- inspection ------------------------------------------------------------------------

  /** Active, locked and scheduled messages of a queue, in sequence order. */
  messages(queueName: string): StoredMessage[] {
    const queue = this.queues.get(queueName);
    if (queue === undefined) return [];
    const scheduled = [...queue.scheduled.values()].map((s) => s.entry);
    return [...queue.active, ...scheduled].sort((a, b) => a.sequenceNumber - b.sequenceNumber).map(snapshot);
  }

  /** The queue's dead-letter sub-queue (`<queue>/$deadletterqueue`), oldest first. */
  deadLetters(queueName: string): DeadLetteredMessage[] {
    return [...(this.queues.get(queueName)?.deadLetters ?? [])];
  }

  /** How many deliveries have started so far (the host's idle loop watches it). */
  get deliveryCount(): number {
    return this.deliveries;
  }

  /** True when no handler runs and no delivery is about to start. Scheduled messages do not count. */
  get isIdle(): boolean {
    return this.inflightWork.size === 0 && ![...this.queues.values()].some((q) => q.pumpScheduled);
  }

  /** Resolves once {@link isIdle}: advance the clock for scheduled messages, then await again. */
  idle(): Promise<void> {
    return this.idleWaiters.wait();
  }

  /** Stops delivering and disarms scheduled messages; waits for the handlers in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const { controller } of queue.scheduled.values()) controller.abort();
      queue.subscriptions.length = 0;
    }
    await Promise.allSettled([...this.inflightWork]);
  }

  // ---- internals -------------------------------------------------------------------------

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      const options = this.queueOptions[name] ?? {};
      queue = {
        name,
        requiresSession: options.requiresSession ?? false,
        maxDeliveryCount: options.maxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT,
        duplicateWindowMs: options.duplicateDetectionWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS,
        nextSequence: 1,
        active: [],
        scheduled: new Map(),
        deadLetters: [],
        seenIds: new Map(),
        lockedSessions: new Set(),
        subscriptions: [],
        pumpScheduled: false,
      };
      this.queues.set(name, queue);
    }
    return queue;
  }

  private acceptable(queueName: string, message: OutgoingMessage): Queue {
    if (this.closed) throw new BusClosedError();
    const queue = this.queue(queueName);
    if (queue.requiresSession && (message.sessionId === undefined || message.sessionId.length === 0)) {
      throw new SessionIdRequiredError(queueName);
    }
    return queue;
  }

  private newEntry(queue: Queue, message: OutgoingMessage, scheduledAt: Date | undefined): Entry {
    return {
      queueName: queue.name,
      sequenceNumber: queue.nextSequence++,
      messageId: messageIdOf(message),
      sessionId: message.sessionId,
      contentType: message.contentType,
      correlationId: message.correlationId,
      subject: message.subject,
      applicationProperties: { ...message.applicationProperties },
      body: encodeBody(message.body),
      enqueuedTimeUtc: this.clock.now().toISOString(),
      deliveryCount: 0,
      state: 'active',
      scheduledEnqueueTimeUtc: scheduledAt?.toISOString(),
      lastError: undefined,
    };
  }

  /** The sequence number of an earlier message with this id inside the window, if any. */
  private duplicateOf(queue: Queue, entry: Entry): number | undefined {
    if (queue.duplicateWindowMs <= 0) return undefined;
    const now = this.clock.now().getTime();
    for (const [id, seen] of queue.seenIds) {
      if (now - seen.at >= queue.duplicateWindowMs) queue.seenIds.delete(id);
    }
    return queue.seenIds.get(entry.messageId)?.sequenceNumber;
  }

  private isDuplicate(queue: Queue, entry: Entry): boolean {
    if (this.duplicateOf(queue, entry) !== undefined) {
      this.log('debug', `servicebus ${queue.name}: duplicate message ${entry.messageId} dropped`);
      return true;
    }
    this.recordId(queue, entry);
    return false;
  }

  private recordId(queue: Queue, entry: Entry): void {
    if (queue.duplicateWindowMs <= 0) return;
    queue.seenIds.set(entry.messageId, {
      at: this.clock.now().getTime(),
      sequenceNumber: entry.sequenceNumber,
    });
  }

  private activate(queue: Queue, entry: Entry): void {
    if (this.closed) return;
    queue.active.push(entry);
    this.schedulePump(queue);
  }

  /** Deliveries start on a later turn, never inside the sender's call (as with a real broker). */
  private schedulePump(queue: Queue): void {
    if (queue.pumpScheduled || this.closed) return;
    queue.pumpScheduled = true;
    setImmediate(() => {
      queue.pumpScheduled = false;
      this.pump(queue);
      this.idleWaiters.check();
    });
  }

  private pump(queue: Queue): void {
    if (this.closed) return;
    for (const subscription of queue.subscriptions) {
      while (subscription.inflight < subscription.limit) {
        const entry = this.nextDeliverable(queue);
        if (entry === undefined) return;
        this.deliver(queue, subscription, entry);
      }
    }
  }

  private nextDeliverable(queue: Queue): Entry | undefined {
    return queue.active.find(
      (e) =>
        e.state === 'active' &&
        (!queue.requiresSession || e.sessionId === undefined || !queue.lockedSessions.has(e.sessionId)),
    );
  }

  private deliver(queue: Queue, subscription: Subscription, entry: Entry): void {
    entry.state = 'locked';
    entry.deliveryCount++;
    if (queue.requiresSession && entry.sessionId !== undefined) queue.lockedSessions.add(entry.sessionId);
    subscription.inflight++;
    this.deliveries++;
    const now = this.clock.now();
    const received: ReceivedMessage = {
      body: decodeBody(entry.body),
      triggerMetadata: serviceBusTriggerMetadata(snapshot(entry), now),
      message: snapshot(entry),
    };
    const work = (async (): Promise<void> => {
      try {
        await subscription.handler(received);
        this.settle(queue, entry, undefined);
      } catch (error) {
        this.settle(queue, entry, error);
      } finally {
        subscription.inflight--;
      }
    })();
    this.inflightWork.add(work);
    void work.finally(() => {
      this.inflightWork.delete(work);
      this.schedulePump(queue);
      this.idleWaiters.check();
    });
  }

  /** Complete (no error) or abandon; an abandon at the last allowed delivery dead-letters. */
  private settle(queue: Queue, entry: Entry, error: unknown): void {
    if (entry.sessionId !== undefined) queue.lockedSessions.delete(entry.sessionId);
    if (error === undefined) {
      queue.active = queue.active.filter((e) => e !== entry);
      return;
    }
    entry.lastError = describeError(error);
    if (entry.deliveryCount < queue.maxDeliveryCount) {
      entry.state = 'active';
      this.log(
        'warn',
        `servicebus ${queue.name}: message ${entry.messageId} abandoned (delivery ${entry.deliveryCount}): ${entry.lastError}`,
      );
      return;
    }
    queue.active = queue.active.filter((e) => e !== entry);
    const { state: _state, lastError, ...rest } = entry;
    queue.deadLetters.push({
      ...rest,
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: `Message could not be consumed after ${entry.deliveryCount} delivery attempts.`,
      deadLetteredAtUtc: this.clock.now().toISOString(),
      lastError,
    });
    this.log(
      'error',
      `servicebus ${queue.name}: message ${entry.messageId} dead-lettered after ${entry.deliveryCount} deliveries: ${lastError ?? ''}`,
    );
  }
}

/** The lifecycle queue's wire form: sessionId from lifecycleSessionId, deterministic messageId, JSON body. */
function lifecycleOutgoing(message: LifecycleMessage): OutgoingMessage {
  return {
    body: message,
    messageId: lifecycleMessageId(message),
    sessionId: lifecycleSessionId(message),
    contentType: 'application/json',
    subject: message.kind,
  };
}
