import { randomBytes, randomUUID } from 'node:crypto';

import type { LogHandler } from '@azure/functions';

import { ensureError } from '../../errors';
import { type Clock, systemClock } from '../../ports/clock';
import type { FunctionRegistry, RegisteredFunction } from '../host/functionRegistry';
import { type InvocationResult, invokeFunction, type InvokeOptions } from '../host/invokeFunction';
import { IdleWaiters } from '../idleWaiters';
import { runActivity } from './activityRunner';
import { type DurableClientBindingData, durableClientBindingData } from './clientBinding';
import type { DurableOperations, StartOptions } from './durableOperations';
import { type EpisodeEffect, runEpisode } from './episode';
import {
  HttpApiNotListeningError,
  InstanceAlreadyExistsError,
  InstanceNotFoundError,
  InstanceNotRunningError,
  InstanceStillRunningError,
  InvalidInputError,
  OrchestratorNotFoundError,
  RuntimeStoppedError,
} from './errors';
import { type HistoryEvent, historyEvents } from './historyEvent';
import { createDurableHttpHandler, type DurableHttpHandler, webhookQuery } from './httpApi';
import { listenDurableHttpApi, type ListeningServer } from './httpServer';
import { InMemoryInstanceStore } from './inMemoryInstanceStore';
import { newInstanceId, validateInstanceId } from './instanceId';
import {
  type InboxMessage,
  type InstanceRecord,
  isTerminal,
  newExecutionState,
  parseInstanceRecord,
} from './instanceRecord';
import {
  type InstanceFilter,
  type InstanceStatus,
  matchesFilter,
  type StatusOptions,
  toInstanceStatus,
} from './instanceStatus';
import type { InstanceStore } from './instanceStore';
import { KeyedMutex } from './keyedMutex';
import { pendingWorkOf } from './pendingWork';
import { Semaphore } from './semaphore';

/** Hooks for observing the runtime's work (tests use them to prove concurrency rules). */
export interface RuntimeObserver {
  onEpisodeStart?(instanceId: string): void;
  onEpisodeEnd?(instanceId: string): void;
  onActivityStart?(instanceId: string, name: string, taskId: number): void;
  onActivityEnd?(instanceId: string, name: string, taskId: number): void;
}

export interface LocalDurableRuntimeOptions {
  /** Where `df.app.orchestration` / `df.app.activity` registered their handlers. */
  readonly registry: FunctionRegistry;
  /** Defaults to a new in-memory store. */
  readonly store?: InstanceStore;
  /** Defaults to the system clock; tests pass a `ManualClock`. */
  readonly clock?: Clock;
  readonly taskHubName?: string;
  /**
   * The `durabletask_extension` system key the public webhook requires (as on Azure); random
   * per runtime by default. The URLs handed out (`createCheckStatusResponse`) carry it.
   */
  readonly systemKey?: string;
  /** How many activities may run at once across all instances (default 4). */
  readonly maxConcurrentActivities?: number;
  /** How many previous executions (continueAsNew) an instance keeps (default 10). */
  readonly maxArchivedExecutions?: number;
  /** Receives `context.log` calls of orchestrators and activities (default: discarded). */
  readonly logHandler?: LogHandler;
  /** Receives every background failure (a store error, a corrupt document); default: kept in `faults()`. */
  readonly onFault?: (error: Error) => void;
  readonly observer?: RuntimeObserver;
}

interface ArmedTimer {
  readonly instanceId: string;
  readonly controller: AbortController;
}

interface StatusWaiter {
  readonly predicate: (status: InstanceStatus) => boolean;
  readonly resolve: (status: InstanceStatus) => void;
}

function jsonRoundTrip(
  value: unknown,
  what: string,
  instanceId?: string,
): { value: unknown; text: string | undefined } {
  if (value === undefined) return { value: undefined, text: undefined };
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new InvalidInputError(`the ${what} is not JSON-serializable`, instanceId, { cause });
  }
  if (text === undefined) throw new InvalidInputError(`the ${what} is not JSON-serializable`, instanceId);
  return { value: JSON.parse(text) as unknown, text };
}

/**
 * A Durable Functions backend for development and tests: it runs the orchestrations and
 * activities registered through the real `durable-functions` library, keeps each instance's
 * history in an {@link InstanceStore}, drives timers from an injectable {@link Clock}, and
 * serves the Durable HTTP API that `df.getClient(context)` talks to.
 *
 * @example
 * const runtime = new LocalDurableRuntime({ registry, clock });
 * await runtime.start();
 * await runtime.listen();
 * const id = await runtime.startNew('stampLifecycle', { instanceId: 'stamp-001', input });
 * await clock.advance(60_000);
 * await runtime.idle();
 */
export class LocalDurableRuntime implements DurableOperations {
  readonly registry: FunctionRegistry;
  readonly store: InstanceStore;
  readonly clock: Clock;
  readonly taskHubName: string;
  /** The system key of the Durable HTTP API's public webhook. */
  readonly systemKey: string;
  /** The secret first segment of the worker's RPC path, known only to the client binding. */
  private readonly rpcKey = randomBytes(24).toString('base64url');
  private readonly maxArchivedExecutions: number;
  private readonly activities: Semaphore;
  private readonly mutex = new KeyedMutex();
  private readonly timers = new Map<string, ArmedTimer>();
  private readonly processing = new Set<string>();
  private readonly processAgain = new Set<string>();
  private readonly inboxLoops = new Set<Promise<void>>();
  private readonly statusWaiters = new Map<string, Set<StatusWaiter>>();
  private readonly faultList: Error[] = [];
  private readonly idleWaiters = new IdleWaiters<boolean>((activities) => this.isIdleFor(activities));
  private inflight = 0;
  private activitiesInflight = 0;
  private started = false;
  private stopped = false;
  private server: ListeningServer | undefined;
  private readonly httpHandler: DurableHttpHandler;

  constructor(private readonly options: LocalDurableRuntimeOptions) {
    this.registry = options.registry;
    this.store = options.store ?? new InMemoryInstanceStore();
    this.clock = options.clock ?? systemClock;
    this.taskHubName = options.taskHubName ?? 'SynaxisLocalHub';
    this.maxArchivedExecutions = options.maxArchivedExecutions ?? 10;
    this.activities = new Semaphore(options.maxConcurrentActivities ?? 4);
    this.systemKey = options.systemKey ?? randomBytes(32).toString('base64url');
    this.httpHandler = createDurableHttpHandler(this, this.taskHubName, this.systemKey, this.rpcKey);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /**
   * Starts the runtime and resumes every unfinished instance found in the store: pending
   * timers are re-armed, activities scheduled but not completed run again, queued messages
   * are processed. A document that fails to parse is reported as a fault and skipped.
   */
  async start(): Promise<void> {
    if (this.stopped) throw new RuntimeStoppedError();
    if (this.started) return;
    this.started = true;
    const documents = await this.store.list();
    for (const stored of documents) {
      try {
        const record = parseInstanceRecord(stored.instanceId, stored.document);
        if (isTerminal(record.runtimeStatus)) continue;
        const work = pendingWorkOf(record);
        const executionId = record.execution.executionId;
        for (const timer of work.timers)
          this.armTimer(record.instanceId, executionId, timer.timerId, timer.fireAt);
        for (const activity of work.activities) {
          this.startActivity(record.instanceId, executionId, activity.taskId, activity.name, activity.input);
        }
        if (record.inbox.length > 0) this.processInbox(record.instanceId);
      } catch (error) {
        this.fault(error);
      }
    }
  }

  /**
   * Stops processing: timers are disarmed, the HTTP API closes, running episodes finish.
   * Activities still running are abandoned (their results are dropped); a runtime started
   * later on the same store runs them again.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.controller.abort();
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    await server?.close();
    await Promise.allSettled([...this.inboxLoops]);
  }

  /** Serves the Durable HTTP API on 127.0.0.1 (ephemeral port unless given) and returns its origin. */
  async listen(port = 0): Promise<string> {
    if (this.server === undefined) this.server = await listenDurableHttpApi(this.httpHandler, port);
    return this.server.origin;
  }

  /** The origin of the Durable HTTP API, if listening. */
  get origin(): string | undefined {
    return this.server?.origin;
  }

  /** The request handler of the Durable HTTP API, for a host that mounts it on its own server. */
  get httpApiHandler(): DurableHttpHandler {
    return this.httpHandler;
  }

  /** The durable client binding data for handlers (`df.getClient(context)`); needs {@link listen}. */
  clientBindingData(): DurableClientBindingData {
    if (this.server === undefined) throw new HttpApiNotListeningError();
    return durableClientBindingData(
      this.server.origin,
      this.taskHubName,
      webhookQuery(this.taskHubName, this.systemKey),
      this.rpcKey,
    );
  }

  /**
   * Invokes a registered function (HTTP, timer, Service Bus, Event Grid...) as the worker
   * would, with its durable client input binding bound to this runtime.
   *
   * @example
   * const { result } = await runtime.invoke('startStamp', new HttpRequest({ url, method: 'POST' }));
   */
  async invoke(
    fn: RegisteredFunction | string,
    triggerInput: unknown,
    options: InvokeOptions = {},
  ): Promise<InvocationResult> {
    const registered = typeof fn === 'string' ? this.registry.get(fn) : fn;
    const binding = this.clientBindingData();
    return invokeFunction(registered, triggerInput, {
      ...options,
      inputsByType: { durableClient: binding, orchestrationClient: binding, ...options.inputsByType },
      logHandler: options.logHandler ?? this.options.logHandler,
    });
  }

  // ---- observation -----------------------------------------------------------------------

  /**
   * Resolves when no work is in progress: no episode, no queued message and (unless
   * `activities: false`) no running activity. Timers waiting for the clock do not count:
   * advance the clock, then await idle again. With `activities: false` a test can wait for
   * the episodes around an activity it holds open.
   */
  idle(options: { activities?: boolean } = {}): Promise<void> {
    return this.idleWaiters.wait(options.activities ?? true);
  }

  /** Resolves with the instance's status once `predicate` holds for it. */
  async waitForStatus(
    instanceId: string,
    predicate: (status: InstanceStatus) => boolean,
  ): Promise<InstanceStatus> {
    let waiter: StatusWaiter | undefined;
    const reached = new Promise<InstanceStatus>((resolve) => {
      waiter = { predicate, resolve };
    });
    const waiters = this.statusWaiters.get(instanceId) ?? new Set<StatusWaiter>();
    this.statusWaiters.set(instanceId, waiters);
    if (waiter !== undefined) waiters.add(waiter);
    const current = await this.getStatus(instanceId);
    if (current !== undefined && predicate(current) && waiter !== undefined) {
      waiters.delete(waiter);
      return current;
    }
    return reached;
  }

  /** The stored record of an instance (history, archived executions, inbox), for tests and tools. */
  async readRecord(instanceId: string): Promise<InstanceRecord | undefined> {
    const stored = await this.store.read(instanceId);
    return stored === undefined ? undefined : parseInstanceRecord(instanceId, stored.document);
  }

  /** Background failures so far (store errors, corrupt documents). */
  faults(): readonly Error[] {
    return [...this.faultList];
  }

  // ---- client operations -----------------------------------------------------------------

  async startNew(orchestratorName: string, options: StartOptions = {}): Promise<string> {
    this.assertRunning();
    const orchestrator = this.registry.find(orchestratorName);
    if (orchestrator === undefined || orchestrator.kind !== 'orchestration') {
      throw new OrchestratorNotFoundError(orchestratorName, options.instanceId);
    }
    const instanceId = options.instanceId ?? newInstanceId();
    validateInstanceId(instanceId);
    const input = jsonRoundTrip(options.input, 'orchestration input', instanceId);
    await this.mutex.run(instanceId, async () => {
      const stored = await this.store.read(instanceId);
      if (stored !== undefined) {
        const existing = parseInstanceRecord(instanceId, stored.document);
        if (!isTerminal(existing.runtimeStatus)) {
          throw new InstanceAlreadyExistsError(instanceId, existing.runtimeStatus);
        }
      }
      this.cancelAllTimers(instanceId);
      const now = this.clock.now();
      const executionId = randomUUID();
      const record: InstanceRecord = {
        schemaVersion: 1,
        instanceId,
        name: orchestrator.name,
        runtimeStatus: 'Pending',
        input: input.value,
        createdTime: now.toISOString(),
        lastUpdatedTime: now.toISOString(),
        execution: newExecutionState(executionId),
        archivedExecutions: [],
        continuedAsNewCount: 0,
        inbox: [{ executionId, event: historyEvents.executionStarted(now, orchestrator.name, input.text) }],
      };
      if (stored === undefined) await this.store.create(instanceId, record);
      else await this.store.replace(instanceId, record, stored.etag);
      this.notify(record);
    });
    this.processInbox(instanceId);
    return instanceId;
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    this.assertRunning();
    if (eventName.length === 0) throw new InvalidInputError('an event name is required', instanceId);
    const payload = jsonRoundTrip(data, 'event data', instanceId);
    const event = historyEvents.eventRaised(this.clock.now(), eventName, payload.text);
    await this.enqueue(instanceId, { executionId: null, event }, 'raise an event on');
  }

  async terminate(instanceId: string, reason: string): Promise<void> {
    this.assertRunning();
    const event = historyEvents.executionTerminated(this.clock.now(), reason);
    await this.enqueue(instanceId, { executionId: null, event }, 'terminate');
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<InstanceStatus | undefined> {
    const record = await this.readRecord(instanceId);
    return record === undefined ? undefined : toInstanceStatus(record, options);
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceStatus[]> {
    const out: InstanceStatus[] = [];
    for (const stored of await this.store.list()) {
      try {
        const record = parseInstanceRecord(stored.instanceId, stored.document);
        if (matchesFilter(record, filter)) out.push(toInstanceStatus(record));
      } catch (error) {
        this.fault(error);
      }
    }
    return out;
  }

  /** Deletes a finished instance; false if there is none. A corrupt document is deleted too. */
  async purge(instanceId: string): Promise<boolean> {
    return this.mutex.run(instanceId, async () => {
      const stored = await this.store.read(instanceId);
      if (stored === undefined) return false;
      let record: InstanceRecord | undefined;
      try {
        record = parseInstanceRecord(instanceId, stored.document);
      } catch {
        record = undefined; // purging is the way out of a corrupt document
      }
      if (record !== undefined && !isTerminal(record.runtimeStatus)) {
        throw new InstanceStillRunningError(instanceId, record.runtimeStatus);
      }
      this.cancelAllTimers(instanceId);
      return this.store.delete(instanceId, stored.etag);
    });
  }

  /** Deletes every finished instance matching `filter`; returns how many. */
  async purgeBy(filter: InstanceFilter): Promise<number> {
    let deleted = 0;
    for (const status of await this.listInstances(filter)) {
      if (!isTerminal(status.runtimeStatus)) continue;
      if (await this.purge(status.instanceId)) deleted++;
    }
    return deleted;
  }

  // ---- internals -------------------------------------------------------------------------

  private assertRunning(): void {
    if (this.stopped || !this.started) throw new RuntimeStoppedError();
  }

  private fault(thrown: unknown): void {
    const error = ensureError(thrown);
    this.faultList.push(error);
    this.options.onFault?.(error);
  }

  private track(work: Promise<unknown>, isActivity = false): void {
    this.inflight++;
    if (isActivity) this.activitiesInflight++;
    void work
      .catch((error: unknown) => this.fault(error))
      .finally(() => {
        this.inflight--;
        if (isActivity) this.activitiesInflight--;
        this.idleWaiters.check();
      });
  }

  /** Work other than activities: episodes, deliveries of completions and timers. */
  private get otherInflight(): number {
    return this.inflight - this.activitiesInflight;
  }

  private isIdleFor(includeActivities: boolean): boolean {
    return includeActivities ? this.inflight === 0 : this.otherInflight === 0;
  }

  private notify(record: InstanceRecord): void {
    const waiters = this.statusWaiters.get(record.instanceId);
    if (waiters === undefined || waiters.size === 0) return;
    const status = toInstanceStatus(record);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(status)) {
        waiters.delete(waiter);
        waiter.resolve(status);
      }
    }
  }

  /** Appends a client message (event, terminate) to a running instance's inbox. */
  private async enqueue(instanceId: string, message: InboxMessage, operation: string): Promise<void> {
    await this.mutex.run(instanceId, async () => {
      const stored = await this.store.read(instanceId);
      if (stored === undefined) throw new InstanceNotFoundError(instanceId);
      const record = parseInstanceRecord(instanceId, stored.document);
      if (isTerminal(record.runtimeStatus)) {
        throw new InstanceNotRunningError(instanceId, record.runtimeStatus, operation);
      }
      await this.store.replace(instanceId, { ...record, inbox: [...record.inbox, message] }, stored.etag);
    });
    this.processInbox(instanceId);
  }

  /** Appends a completion (activity result, timer) to the inbox; dropped if the instance has finished. */
  private async deliver(instanceId: string, message: InboxMessage): Promise<void> {
    if (this.stopped) return;
    const queued = await this.mutex.run(instanceId, async () => {
      const stored = await this.store.read(instanceId);
      if (stored === undefined) return false;
      const record = parseInstanceRecord(instanceId, stored.document);
      if (isTerminal(record.runtimeStatus)) return false;
      if (message.executionId !== null && message.executionId !== record.execution.executionId) return false;
      await this.store.replace(instanceId, { ...record, inbox: [...record.inbox, message] }, stored.etag);
      return true;
    });
    if (queued) this.processInbox(instanceId);
  }

  private processInbox(instanceId: string): void {
    if (this.stopped) return;
    if (this.processing.has(instanceId)) {
      this.processAgain.add(instanceId);
      return;
    }
    this.processing.add(instanceId);
    const loop = this.inboxLoop(instanceId);
    this.inboxLoops.add(loop);
    const forget = (): boolean => this.inboxLoops.delete(loop);
    void loop.then(forget, forget);
    this.track(loop);
  }

  /** Runs the instance's episodes one at a time until its inbox is empty. */
  private async inboxLoop(instanceId: string): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const effects = await this.mutex.run(instanceId, () => this.runNextEpisode(instanceId));
        if (effects === undefined) {
          if (this.processAgain.delete(instanceId)) continue;
          return;
        }
        this.applyEffects(instanceId, effects);
      }
    } finally {
      this.processing.delete(instanceId);
      this.processAgain.delete(instanceId);
    }
  }

  private async runNextEpisode(instanceId: string): Promise<readonly EpisodeEffect[] | undefined> {
    const stored = await this.store.read(instanceId);
    if (stored === undefined) return undefined;
    const record = parseInstanceRecord(instanceId, stored.document);
    const [message, ...rest] = record.inbox;
    if (message === undefined) return undefined;
    this.options.observer?.onEpisodeStart?.(instanceId);
    try {
      const result = await runEpisode({ ...record, inbox: rest }, message, {
        now: this.clock.now(),
        registry: this.registry,
        newExecutionId: randomUUID,
        maxArchivedExecutions: this.maxArchivedExecutions,
        logHandler: this.options.logHandler,
      });
      await this.store.replace(instanceId, result.record, stored.etag);
      this.notify(result.record);
      return result.effects;
    } finally {
      this.options.observer?.onEpisodeEnd?.(instanceId);
    }
  }

  private applyEffects(instanceId: string, effects: readonly EpisodeEffect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'runActivity':
          this.startActivity(instanceId, effect.executionId, effect.taskId, effect.name, effect.input);
          break;
        case 'armTimer':
          this.armTimer(instanceId, effect.executionId, effect.timerId, effect.fireAt);
          break;
        case 'cancelTimer': {
          const key = timerKey(instanceId, effect.executionId, effect.timerId);
          this.timers.get(key)?.controller.abort();
          this.timers.delete(key);
          break;
        }
        case 'cancelAllTimers':
          this.cancelAllTimers(instanceId);
          break;
      }
    }
  }

  private startActivity(
    instanceId: string,
    executionId: string,
    taskId: number,
    name: string,
    input: string | undefined,
  ): void {
    if (this.stopped) return;
    const observer = this.options.observer;
    const work = async (): Promise<void> => {
      const event: HistoryEvent | undefined = await this.activities.run(async () => {
        if (this.stopped) return undefined;
        observer?.onActivityStart?.(instanceId, name, taskId);
        try {
          return await runActivity(
            this.registry,
            { instanceId, taskId, name, input },
            () => this.clock.now(),
            this.options.logHandler,
          );
        } finally {
          observer?.onActivityEnd?.(instanceId, name, taskId);
        }
      });
      // A stopped runtime drops results: the activity runs again after a restart (at least once).
      if (event === undefined || this.stopped) return;
      this.track(this.deliver(instanceId, { executionId, event }));
    };
    this.track(work(), true);
  }

  private armTimer(instanceId: string, executionId: string, timerId: number, fireAt: string): void {
    if (this.stopped) return;
    const key = timerKey(instanceId, executionId, timerId);
    if (this.timers.has(key)) return;
    const controller = new AbortController();
    this.timers.set(key, { instanceId, controller });
    void this.clock.sleepUntil(new Date(fireAt), controller.signal).then(
      () => {
        if (this.timers.get(key)?.controller !== controller) return;
        this.timers.delete(key);
        if (this.stopped) return;
        const event = historyEvents.timerFired(this.clock.now(), timerId, fireAt);
        this.track(this.deliver(instanceId, { executionId, event }));
      },
      () => undefined, // aborted: cancelled, superseded or stopped
    );
  }

  private cancelAllTimers(instanceId: string): void {
    for (const [key, timer] of this.timers) {
      if (timer.instanceId !== instanceId) continue;
      timer.controller.abort();
      this.timers.delete(key);
    }
  }
}

function timerKey(instanceId: string, executionId: string, timerId: number): string {
  return `${instanceId}\u0000${executionId}\u0000${timerId}`;
}
