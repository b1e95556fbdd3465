import { randomUUID } from 'node:crypto';

import { type Container, CosmosClient } from '@azure/cosmos';

import {
  type CosmosStampStore,
  createCosmosStampStore,
  ensureStampsDatabase,
  type StampsContainerNames,
} from '../../../shared/azure/cosmos';
import type { EmbeddedCosmos } from '../../../shared/local/cosmos/embeddedCosmos';
import { startCosmosWithClient } from '../../support/embeddedCosmosClient';

/** One embedded server and one SDK client for a test file; each store gets its own database. */
export interface CosmosHarness {
  readonly cosmos: EmbeddedCosmos;
  readonly client: CosmosClient;
  /** A store on a new, empty database (so tests never see each other's documents). */
  newStore(options?: { listPageSize?: number }): Promise<StoreUnderTest>;
  stop(): Promise<void>;
}

export interface StoreUnderTest {
  readonly store: CosmosStampStore;
  readonly databaseName: string;
  /** The raw containers, to plant or inspect documents behind the adapter's back. */
  readonly raw: { stamps: Container; ledger: Container; events: Container };
  readonly containers: StampsContainerNames;
}

export async function startCosmosHarness(): Promise<CosmosHarness> {
  const { cosmos, client } = await startCosmosWithClient();
  return {
    cosmos,
    client,
    async newStore(options = {}) {
      const databaseName = `stamps-${randomUUID().slice(0, 8)}`;
      const { containers } = await ensureStampsDatabase(client, {
        databaseName,
        processedEventTtlSeconds: 3600,
      });
      const database = client.database(databaseName);
      return {
        store: createCosmosStampStore({ client, databaseName, ...options }),
        databaseName,
        containers,
        raw: {
          stamps: database.container(containers.stamps),
          ledger: database.container(containers.ledger),
          events: database.container(containers.events),
        },
      };
    },
    async stop() {
      client.dispose();
      await cosmos.stop();
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
