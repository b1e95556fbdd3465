import { join } from 'node:path';

import { CosmosClient } from '@azure/cosmos';

import { recordingIncidents } from '../app/incidents';
import { STAMP_LIFECYCLE } from '../app/orchestration/stampLifecycleOrchestrator';
import { provideServices, type Services } from '../app/services';
import { SignalCounts } from '../app/signalCounts';
import {
  createCosmosIdempotencyStore,
  createCosmosIncidentLog,
  createCosmosSignalLog,
  createCosmosStampStore,
  ensureStampsDatabase,
} from '../azure/cosmos';
import { type Config, type Env, loadConfig } from '../config/loadConfig';
import { MAX_ALERT_BODY_BYTES } from '../http/body';
import type { Clock } from '../ports/clock';
import { installLocalTelemetry } from '../telemetry/localTelemetry';
import { forLog } from '../text/forLog';
import { LocalServiceBus } from './bus';
import { type EmbeddedCosmos, startEmbeddedCosmos } from './cosmos';
import {
  CosmosInstanceStore,
  ensureDurableInstancesContainer,
  InstanceAlreadyExistsError,
  LocalDurableRuntime,
} from './durable';
import { LocalEventGrid } from './eventgrid';
import { describeError } from './host/hostLog';
import { type HostLog, silentLog } from './host/hostLog';
import { loadFunctionApp } from './host/installFunctionsCore';
import { LocalHost } from './host/localHost';
import { LocalIdentity, postAsActionGroup } from './host/localIdentity';
import { readDatabase, writeDatabase } from './persistence/cosmosSnapshot';
import { readSavedState, savedState, writeSavedState } from './persistence/stateDirectory';
import { seedFleet } from './seedFleet';
import { SimulatedAzure } from './sim';
import { createLocalRecordArchive, type LazyLocalBlobStorage, lazyLocalBlobStorage } from './storage';

/** Where Cosmos DB is: the embedded server started here, or one that outlives this host (tests of a restart). */
export interface CosmosEndpoint {
  readonly endpoint: string;
  readonly key: string;
  readonly agent?: import('node:https').Agent;
  /** The embedded server's fault hook (the chaos console's Cosmos faults need it). */
  readonly setFaults?: EmbeddedCosmos['setFaults'];
}

export interface LocalControlPlaneOptions {
  readonly env: Env;
  /** Simulated time: a ScaledClock for `npm start`, a ManualClock in tests. */
  readonly clock: Clock & { advance?(ms: number): Promise<void> | void };
  /** Overrides PORT; 0 = a free port. */
  readonly port?: number;
  /** Start with the seed's fleet already active (default true). */
  readonly seed?: boolean;
  readonly cosmos?: CosmosEndpoint;
  readonly databaseName?: string;
  readonly log?: HostLog;
  /** Seed of the simulated Azure's randomness. */
  readonly simulationSeed?: number;
  /**
   * A simulated Azure that outlives this control plane (a test that restarts the host keeps
   * "Azure" running meanwhile); its alerts go wherever its owner sends them.
   */
  readonly azure?: SimulatedAzure;
  /**
   * Blob storage (Azurite behind the WORM stand-in) that outlives this host, as `cosmos` does;
   * by default the control plane starts its own on the first archive and stops it on stop.
   */
  readonly blobStorage?: LazyLocalBlobStorage;
  /** Wraps the services before the function app sees them (fault injection in tests). */
  readonly decorate?: (services: Services) => Services;
  /**
   * Who the local host signs in; by default built from STAMPS_LOCAL_USERS and STAMPS_LOCAL_AUTH.
   * A test that restarts the host passes the same one, so its tokens stay valid.
   */
  readonly identity?: LocalIdentity;
  /**
   * Keeps the local state on disk (`npm start -- --data-dir DIR`): the embedded Cosmos DB's
   * containers, the simulated Azure, the queue's pending messages and the simulated time in
   * DIR/state.json (every `saveEveryMs` and on stop), the archive's blobs in DIR/blob. A start
   * finding DIR/state.json resumes from it instead of seeding.
   */
  readonly dataDir?: string;
  /** How often the state is written while running (real milliseconds); default 30 000. */
  readonly saveEveryMs?: number;
}

const FUNCTION_APP_ENTRY = join(__dirname, '../../functions/index.js');

/**
 * The whole control plane on one machine: the function app on the local host, orchestrations on
 * the local durable runtime (instances kept in Cosmos DB, so a restart resumes them), the stamp
 * store on Cosmos DB through the real SDK, and the simulated Azure behind the same ports the
 * Azure adapters implement. Used by `npm start` and the end-to-end tests.
 */
export class LocalControlPlane {
  private embedded: EmbeddedCosmos | undefined;
  private client: CosmosClient | undefined;
  private hostValue: LocalHost | undefined;
  private runtimeValue: LocalDurableRuntime | undefined;
  private simValue: SimulatedAzure | undefined;
  private cosmosValue: CosmosEndpoint | undefined;
  private servicesValue: Services | undefined;
  private busValue: LocalServiceBus | undefined;
  private eventGridValue: LocalEventGrid | undefined;
  private ownBlobStorage: LazyLocalBlobStorage | undefined;
  private saver: (() => Promise<void>) | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  readonly config: Config;
  /** Who the local host signs in: tokens for tools and tests (`identity.tokenFor(name)`). */
  readonly identity: LocalIdentity;

  constructor(private readonly options: LocalControlPlaneOptions) {
    // The local host plays App Service authentication, so the app trusts the headers it sets.
    this.config = loadConfig({ ...options.env, WEBSITE_AUTH_ENABLED: 'True' });
    this.identity =
      options.identity ??
      new LocalIdentity({ users: this.config.auth.localUsers, mode: this.config.auth.localMode });
  }

  get host(): LocalHost {
    return required(this.hostValue, 'host');
  }
  get runtime(): LocalDurableRuntime {
    return required(this.runtimeValue, 'runtime');
  }
  get sim(): SimulatedAzure {
    return required(this.simValue, 'simulated Azure');
  }
  get services(): Services {
    return required(this.servicesValue, 'services');
  }
  get bus(): LocalServiceBus {
    return required(this.busValue, 'bus');
  }
  get eventGrid(): LocalEventGrid {
    return required(this.eventGridValue, 'event grid');
  }
  get origin(): string {
    return required(this.hostValue?.origin, 'origin');
  }

  /** Starts everything; returns the host's origin (http://127.0.0.1:7071 by default). */
  async start(): Promise<string> {
    const { config } = this;
    const { clock } = this.options;
    // Every component logs text that may come from a request (alert ids, rules): one entry, one line.
    const sink = this.options.log ?? silentLog;
    const log: HostLog = (level, message) => sink(level, forLog(message, 8000));
    await installLocalTelemetry({ ...process.env, ...this.options.env });
    const dataDir = this.options.dataDir;
    const saved = dataDir === undefined ? undefined : await readSavedState(dataDir);
    let cosmos = this.options.cosmos;
    if (cosmos === undefined) {
      this.embedded = await startEmbeddedCosmos();
      cosmos = this.embedded;
    }
    this.client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      ...(cosmos.agent === undefined ? {} : { agent: cosmos.agent }),
    });
    const databaseName = this.options.databaseName ?? config.cosmos.database;
    if (saved !== undefined) {
      const written = await writeDatabase(this.client, databaseName, saved.cosmos);
      log(
        'info',
        `restored ${written} documents and the simulation from ${dataDir ?? ''} (saved ${saved.savedAt}, simulated time ${saved.clock})`,
      );
    }
    const { containers } = await ensureStampsDatabase(this.client, { databaseName });
    const store = createCosmosStampStore({ client: this.client, databaseName });
    const instances = await ensureDurableInstancesContainer(this.client.database(databaseName));

    const listening: { origin?: string } = {};
    const sim =
      this.options.azure ??
      new SimulatedAzure({
        clock,
        regions: config.policy.regions,
        ...(this.options.simulationSeed === undefined ? {} : { seed: this.options.simulationSeed }),
        onAlert: async (payload) => {
          if (listening.origin === undefined) throw new Error('the local host is not listening yet');
          const status = await postAsActionGroup(listening.origin, this.identity, JSON.stringify(payload));
          if (status >= 300) throw new Error(`alert receiver answered ${status}`);
        },
      });
    if (saved !== undefined && this.options.azure === undefined) sim.restore(saved.simulation);
    const bus = new LocalServiceBus({ clock, log });
    if (saved !== undefined) await bus.restore(saved.bus);
    const eventGrid = new LocalEventGrid({ clock, log });
    let blobStorage = this.options.blobStorage;
    if (blobStorage === undefined) {
      blobStorage = lazyLocalBlobStorage({
        clock,
        wormContainers: [config.archiveContainer],
        ...(dataDir === undefined ? {} : { dataDir }),
      });
      this.ownBlobStorage = blobStorage;
    }
    const storage = blobStorage;
    const incidents = createCosmosIncidentLog({ client: this.client, databaseName });
    const services: Services = {
      config,
      clock,
      store,
      deployer: sim,
      traffic: sim,
      originHealth: sim,
      originMetrics: sim,
      stampMetrics: sim,
      operations: sim,
      archive: createLocalRecordArchive({
        clock,
        container: config.archiveContainer,
        storage: () => storage.get(),
      }),
      bus,
      events: recordingIncidents(eventGrid, incidents),
      signals: createCosmosSignalLog({ client: this.client, databaseName }),
      idempotency: createCosmosIdempotencyStore({ client: this.client, databaseName }),
      signalCounts: new SignalCounts(clock.now().toISOString()),
      incidents,
    };
    const provided = this.options.decorate?.(services) ?? services;
    provideServices(() => Promise.resolve(provided));
    const registry = await loadFunctionApp(FUNCTION_APP_ENTRY);
    const runtime = new LocalDurableRuntime({
      registry,
      clock,
      store: new CosmosInstanceStore(instances),
      taskHubName: config.taskHub,
      // Earlier executions are kept for inspection only; on Azure they are not part of the
      // instance that replays, so keeping few keeps an episode's read and write small.
      maxArchivedExecutions: 2,
      logHandler: (level, ...args) =>
        log(level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'info', args.map(String).join(' ')),
    });
    const host = new LocalHost({
      registry,
      runtime,
      clock,
      bus,
      eventGrid,
      simulation: sim,
      idempotency: { store: provided.idempotency, clock },
      port: this.options.port ?? config.local.port,
      // The alert receiver takes Azure Monitor's largest alerts; each function refuses more itself.
      maxBodyBytes: MAX_ALERT_BODY_BYTES,
      identity: this.identity,
      log,
    });
    this.simValue = sim;
    // The chaos console's Cosmos faults reach the stamp store's containers only: the task hub is
    // Azure Storage on Azure, another service, and keeps working.
    const storePaths = new RegExp(
      `^/dbs/${escapeRegExp(databaseName)}/colls/(${Object.values(containers).map(escapeRegExp).join('|')})(/|$)`,
    );
    this.cosmosValue = cosmos;
    cosmos.setFaults?.((path) => (storePaths.test(safeDecode(path)) ? sim.storeFault() : undefined));
    this.busValue = bus;
    this.eventGridValue = eventGrid;
    this.servicesValue = provided;
    this.runtimeValue = runtime;
    this.hostValue = host;

    // Ready before open: the seed fleet and its orchestrations exist before the host accepts a
    // request or arms a timer (a reconciliation sweep racing the seed started the same
    // orchestration twice), and a start that fails half-way stops what it started, so the
    // process never serves a partial fleet.
    try {
      await runtime.start();
      await runtime.listen();
      if (this.options.seed ?? true) {
        const alreadySeeded = (await store.list({ phase: 'active' })).length > 0;
        const seeded = alreadySeeded ? [] : await seedFleet(services, sim);
        for (const stampId of seeded) await startSeedOrchestrationOnce(runtime, stampId);
      }
      const origin = await host.start();
      listening.origin = origin;
      sim.start();
      if (dataDir !== undefined) this.startSaving(dataDir, databaseName, bus, log);
      return origin;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Waits until nothing is in flight: requests, queue, Event Grid, timers due now,
   * orchestrations, and alerts the simulated Azure is still sending to the receiver.
   */
  async idle(): Promise<void> {
    // An alert whose delivery failed waits for the next evaluation (simulated time), as a timer
    // does: it is not in flight.
    const settled = (): boolean => {
      const delivery = this.sim.state().alertDelivery;
      return delivery.pending === 0 || delivery.waitingForRetry;
    };
    for (let pass = 0; pass < 1000; pass += 1) {
      await this.host.idle();
      if (settled()) {
        await this.host.idle();
        if (settled()) return;
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
    throw new Error('the local control plane never became idle (alerts still pending)');
  }

  /** Writes the state now (as on stop); while a write runs, a second call waits for it. */
  save(): Promise<void> {
    return this.saver?.() ?? Promise.resolve();
  }

  private startSaving(dir: string, databaseName: string, bus: LocalServiceBus, log: HostLog): void {
    let running: Promise<void> | undefined;
    const write = async (): Promise<void> => {
      const state = savedState({
        clock: this.options.clock.now().toISOString(),
        databaseName,
        cosmos: await readDatabase(required(this.client, 'Cosmos DB client'), databaseName),
        simulation: this.sim.persisted(),
        bus: bus.persisted(),
      });
      await writeSavedState(dir, state);
    };
    this.saver = () => {
      running ??= write().finally(() => {
        running = undefined;
      });
      return running;
    };
    this.saveTimer = setInterval(() => {
      this.save().catch((error: unknown) =>
        log('warn', `state not saved to ${dir}: ${describeError(error)}`),
      );
    }, this.options.saveEveryMs ?? 30_000);
    this.saveTimer.unref();
  }

  async stop(): Promise<void> {
    this.cosmosValue?.setFaults?.(undefined);
    await this.simValue?.stop();
    await this.hostValue?.stop();
    await this.runtimeValue?.stop();
    if (this.saveTimer !== undefined) clearInterval(this.saveTimer);
    // After the host and the runtime stopped: nothing changes while it is read, so it is whole.
    await this.saver?.();
    this.saver = undefined;
    this.client?.dispose();
    await this.embedded?.stop();
    await this.ownBlobStorage?.stop();
  }
}

/**
 * Starts a seeded stamp's orchestration unless one is already running (started once, like every
 * other start of an orchestration: a repeat is a no-op). The runtime refuses a start only while
 * the instance is running, as the Durable extension does.
 */
export async function startSeedOrchestrationOnce(
  runtime: LocalDurableRuntime,
  stampId: string,
): Promise<void> {
  try {
    await runtime.startNew(STAMP_LIFECYCLE, {
      instanceId: stampId,
      input: { stampId, effects: [], watches: [], drainTimers: {} },
    });
  } catch (error) {
    if (!(error instanceof InstanceAlreadyExistsError)) throw error;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the local control plane is not started (no ${what})`);
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
