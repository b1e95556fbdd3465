import type { Container, Database } from '@azure/cosmos';

import { mapCosmosError } from '../../azure/cosmos/errors';
import type { InstanceStore, StoredInstanceDocument } from './instanceStore';

/** The container of the local durable runtime's instances: one document per instance, pk `/id`. */
export const DURABLE_INSTANCES_CONTAINER = 'durable-instances';

interface InstanceItem {
  readonly id: string;
  /** The runtime's record, nested so that it never meets Cosmos system properties (`_etag`...). */
  readonly record: unknown;
  readonly _etag?: string;
}

function isInstanceItem(value: unknown): value is InstanceItem {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

function etagOf(item: { _etag?: string } | undefined, instanceId: string): string {
  const etag = item?._etag;
  if (etag === undefined) throw new Error(`Cosmos DB returned no ETag for durable instance '${instanceId}'`);
  return etag;
}

/** Creates the `durable-instances` container if needed and returns it. */
export async function ensureDurableInstancesContainer(
  database: Database,
  containerId = DURABLE_INSTANCES_CONTAINER,
): Promise<Container> {
  const { container } = await database.containers.createIfNotExists({
    id: containerId,
    partitionKey: { paths: ['/id'] },
  });
  return container;
}

/**
 * The instance store on Cosmos DB (the embedded server locally, or a real account): point
 * reads and writes by id, every replace and delete conditional on the ETag (If-Match), so a
 * second runtime writing the same instance loses with `ConflictError` instead of overwriting.
 *
 * @example
 * const container = await ensureDurableInstancesContainer(database);
 * const runtime = new LocalDurableRuntime({ registry, store: new CosmosInstanceStore(container) });
 */
export class CosmosInstanceStore implements InstanceStore {
  constructor(private readonly container: Container) {}

  async read(instanceId: string): Promise<StoredInstanceDocument | undefined> {
    try {
      const response = await this.container.item(instanceId, instanceId).read<InstanceItem>();
      const item = response.resource;
      if (response.statusCode === 404 || item === undefined) return undefined;
      return { instanceId, document: item.record, etag: etagOf(item, instanceId) };
    } catch (thrown) {
      if ((thrown as { code?: unknown }).code === 404) return undefined;
      throw mapCosmosError(thrown, `read durable instance '${instanceId}'`);
    }
  }

  async create(instanceId: string, document: unknown): Promise<string> {
    try {
      const response = await this.container.items.create<InstanceItem>({ id: instanceId, record: document });
      return etagOf(response.resource, instanceId);
    } catch (thrown) {
      throw mapCosmosError(thrown, `create durable instance '${instanceId}'`);
    }
  }

  async replace(instanceId: string, document: unknown, etag: string): Promise<string> {
    try {
      const response = await this.container
        .item(instanceId, instanceId)
        .replace<InstanceItem>(
          { id: instanceId, record: document },
          { accessCondition: { type: 'IfMatch', condition: etag } },
        );
      return etagOf(response.resource, instanceId);
    } catch (thrown) {
      throw mapCosmosError(thrown, `replace durable instance '${instanceId}'`);
    }
  }

  async delete(instanceId: string, etag: string): Promise<boolean> {
    try {
      await this.container
        .item(instanceId, instanceId)
        .delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      return true;
    } catch (thrown) {
      if ((thrown as { code?: unknown }).code === 404) return false;
      throw mapCosmosError(thrown, `delete durable instance '${instanceId}'`);
    }
  }

  async list(): Promise<StoredInstanceDocument[]> {
    try {
      const { resources } = await this.container.items.query<unknown>('SELECT * FROM c').fetchAll();
      return resources.filter(isInstanceItem).map((item) => ({
        instanceId: item.id,
        document: item.record,
        etag: etagOf(item, item.id),
      }));
    } catch (thrown) {
      throw mapCosmosError(thrown, 'list durable instances');
    }
  }
}
