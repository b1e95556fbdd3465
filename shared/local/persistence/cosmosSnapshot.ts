import type { ContainerDefinition, CosmosClient, ItemDefinition } from '@azure/cosmos';

/** One container as saved: its definition (partition key, TTL, indexing) and every item. */
export interface SavedContainer {
  readonly definition: ContainerDefinition;
  readonly items: readonly ItemDefinition[];
}

/** Properties the service writes itself: a saved item is written back without them. */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/**
 * Every container of a database and its items, read through the SDK as any client would
 * (`readAll` of the containers, then of each container's items). Item ETags are not kept: a
 * restored item is a new version of itself, as after a point-in-time restore.
 */
export async function readDatabase(client: CosmosClient, databaseName: string): Promise<SavedContainer[]> {
  const database = client.database(databaseName);
  const { resources: containers } = await database.containers.readAll().fetchAll();
  const saved: SavedContainer[] = [];
  for (const found of containers) {
    const { resources } = await database.container(found.id).items.readAll<ItemDefinition>().fetchAll();
    saved.push({
      definition: {
        id: found.id,
        ...(found.partitionKey === undefined ? {} : { partitionKey: found.partitionKey }),
        ...(found.defaultTtl === undefined ? {} : { defaultTtl: found.defaultTtl }),
        ...(found.indexingPolicy === undefined ? {} : { indexingPolicy: found.indexingPolicy }),
        ...(found.uniqueKeyPolicy === undefined ? {} : { uniqueKeyPolicy: found.uniqueKeyPolicy }),
      },
      items: resources.map(withoutSystemProperties),
    });
  }
  return saved;
}

/** Creates the database and its containers as saved and writes every item back. */
export async function writeDatabase(
  client: CosmosClient,
  databaseName: string,
  containers: readonly SavedContainer[],
): Promise<number> {
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  let written = 0;
  for (const saved of containers) {
    const { container } = await database.containers.createIfNotExists(saved.definition);
    for (const item of saved.items) {
      await container.items.upsert(item);
      written += 1;
    }
  }
  return written;
}

function withoutSystemProperties(item: ItemDefinition): ItemDefinition {
  const copy: Record<string, unknown> = { ...item };
  for (const property of SYSTEM_PROPERTIES) delete copy[property];
  return copy;
}
