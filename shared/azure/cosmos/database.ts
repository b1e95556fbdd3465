import type { CosmosClient } from '@azure/cosmos';

/** Container names of the stamp store; every one has a default. */
export interface StampsContainerNames {
  /** Stamp documents and their audit records, partition key `/stampId`. */
  readonly stamps: string;
  /** Region ledgers and the purge schedule, partition key `/id`. */
  readonly ledger: string;
  /** Processed inbound event ids, partition key `/id`, expiring by the container's defaultTtl. */
  readonly events: string;
}

export const DEFAULT_CONTAINER_NAMES: StampsContainerNames = Object.freeze({
  stamps: 'stamps',
  ledger: 'ledger',
  events: 'events',
});

export const DEFAULT_DATABASE_NAME = 'stamps';

/** Events are redelivered within hours, not weeks; a week of memory is ample (guard 5). */
export const DEFAULT_PROCESSED_EVENT_TTL_SECONDS = 7 * 24 * 3600;

export interface StampsDatabaseNames {
  readonly databaseName?: string;
  readonly containers?: Partial<StampsContainerNames>;
  /** Seconds a processed event id is remembered (the `events` container's defaultTtl). */
  readonly processedEventTtlSeconds?: number;
}

/**
 * Creates the database and its three containers when missing; safe to call at every start. An
 * existing container is left as it is (partition keys cannot change; a changed TTL is not applied).
 *
 * @example
 * await ensureStampsDatabase(client, { databaseName: 'stamps' });
 */
export async function ensureStampsDatabase(
  client: CosmosClient,
  names: StampsDatabaseNames = {},
): Promise<{ databaseName: string; containers: StampsContainerNames }> {
  const databaseName = names.databaseName ?? DEFAULT_DATABASE_NAME;
  const containers = { ...DEFAULT_CONTAINER_NAMES, ...names.containers };
  const ttl = names.processedEventTtlSeconds ?? DEFAULT_PROCESSED_EVENT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1) {
    throw new RangeError(`processedEventTtlSeconds must be a positive integer, got ${ttl}`);
  }
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  await database.containers.createIfNotExists({
    id: containers.stamps,
    partitionKey: { paths: ['/stampId'] },
  });
  await database.containers.createIfNotExists({ id: containers.ledger, partitionKey: { paths: ['/id'] } });
  await database.containers.createIfNotExists({
    id: containers.events,
    partitionKey: { paths: ['/id'] },
    defaultTtl: ttl,
  });
  return { databaseName, containers };
}
