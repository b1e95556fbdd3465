import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { CosmosClient } from '@azure/cosmos';

import { applyEvents } from '../../shared/app/applyEvents';
import { requestStamp } from '../../shared/app/requestStamp';
import type { Services } from '../../shared/app/services';
import { SignalCounts } from '../../shared/app/signalCounts';
import {
  createCosmosIdempotencyStore,
  createCosmosIncidentLog,
  createCosmosSignalLog,
  createCosmosStampStore,
  ensureStampsDatabase,
} from '../../shared/azure/cosmos';
import { loadConfig } from '../../shared/config/loadConfig';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { type EmbeddedCosmos } from '../../shared/local/cosmos';
import { SimulatedAzure } from '../../shared/local/sim';
import { createLocalRecordArchive, lazyLocalBlobStorage } from '../../shared/local/storage';
import type { EventPublisher, StampCloudEvent } from '../../shared/ports/eventPublisher';
import type { LifecycleBus, LifecycleMessage } from '../../shared/ports/lifecycleBus';
import { startCosmosWithClient } from '../support/embeddedCosmosClient';

export const T0 = new Date('2026-05-01T00:00:00.000Z');

/** A bus that only records what it was given (the app layer's view of Service Bus). */
export class RecordingBus implements LifecycleBus {
  readonly sent: LifecycleMessage[] = [];
  private sequence = 0;
  scheduleDrainTimer(message: LifecycleMessage): Promise<{ sequenceNumber: string }> {
    this.sent.push(message);
    this.sequence += 1;
    return Promise.resolve({ sequenceNumber: String(this.sequence) });
  }
  cancelScheduled(): Promise<void> {
    return Promise.resolve();
  }
  send(message: LifecycleMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: StampCloudEvent[] = [];
  publish(events: readonly StampCloudEvent[]): Promise<void> {
    this.published.push(...events);
    return Promise.resolve();
  }
}

export interface AppHarness {
  readonly cosmos: EmbeddedCosmos;
  readonly client: CosmosClient;
  /** Services on a fresh database, a manual clock and the simulated Azure. */
  newServices(env?: Record<string, string>): Promise<
    Services & {
      bus: RecordingBus;
      events: RecordingPublisher;
      sim: SimulatedAzure;
      clock: ManualClock;
      databaseName: string;
    }
  >;
  stop(): Promise<void>;
}

export async function startAppHarness(): Promise<AppHarness> {
  const { cosmos, client } = await startCosmosWithClient();
  // Every database of the harness archives to its own container; Azurite starts on the first archive.
  const containers: string[] = [];
  let storageClock: ManualClock | undefined;
  const storage = lazyLocalBlobStorage({
    clock: { now: () => storageClock?.now() ?? T0 },
    wormContainers: containers,
  });
  return {
    cosmos,
    client,
    async newServices(env = {}) {
      const config = loadConfig(env);
      const databaseName = `app-${randomUUID().slice(0, 8)}`;
      await ensureStampsDatabase(client, { databaseName });
      const clock = new ManualClock(T0);
      storageClock = clock;
      containers.push(databaseName);
      const sim = new SimulatedAzure({
        clock,
        regions: config.policy.regions,
        onAlert: () => Promise.resolve(),
      });
      const bus = new RecordingBus();
      const events = new RecordingPublisher();
      return {
        config,
        clock,
        store: createCosmosStampStore({ client, databaseName }),
        deployer: sim,
        traffic: sim,
        originHealth: sim,
        originMetrics: sim,
        operations: sim,
        archive: createLocalRecordArchive({ clock, container: databaseName, storage: () => storage.get() }),
        bus,
        events,
        signals: createCosmosSignalLog({ client, databaseName }),
        idempotency: createCosmosIdempotencyStore({ client, databaseName }),
        signalCounts: new SignalCounts(T0.toISOString()),
        incidents: createCosmosIncidentLog({ client, databaseName }),
        stampMetrics: sim,
        sim,
        databaseName,
      };
    },
    async stop() {
      await storage.stop();
      client.dispose();
      await cosmos.stop();
    },
  };
}

/** A stamp requested in `region`, deployed and probed healthy: active and in rotation. */
export async function activeStamp(
  svc: Awaited<ReturnType<AppHarness['newServices']>>,
  region = 'westeurope',
): Promise<string> {
  const outcome = await requestStamp(svc, {
    placement: { region, allowOtherRegions: false },
    cause: { kind: 'operator', eventId: `c-${region}-${randomUUID()}`, reason: 't' },
  });
  assert.equal(outcome.kind, 'created');
  const id = outcome.kind === 'created' ? outcome.stamp.id : '';
  await applyEvents(svc, {
    stampId: id,
    key: `${id}-1`,
    event: { type: 'DeploymentSucceeded', id: `${id}-d`, originHostName: `${id}.example` },
  });
  await applyEvents(svc, { stampId: id, key: `${id}-2`, event: { type: 'OriginHealthy', id: `${id}-h` } });
  return id;
}
