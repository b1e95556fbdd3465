import type { Container, CosmosClient, ItemDefinition } from '@azure/cosmos';
import { z } from 'zod';

import type {
  IdempotencyRecord,
  IdempotencyStore,
  StoredIdempotencyRecord,
} from '../../ports/idempotencyStore';
import { DEFAULT_CONTAINER_NAMES } from './database';
import { parseDocument } from './documents';
import { mapCosmosError } from './errors';
import { type ItemKey, readItem, writeItem } from './items';

export interface CosmosIdempotencyStoreOptions {
  readonly client: CosmosClient;
  readonly databaseName: string;
  /** The processed-events container (partition key `/id`, TTL on). */
  readonly container?: string;
}

const answerSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
});
const documentSchema = z.object({
  key: z.string().min(1),
  fingerprint: z.string().min(1),
  startedAt: z.string(),
  leaseUntil: z.string(),
  expiresAt: z.string(),
  answer: answerSchema.optional(),
});

/**
 * Idempotency records beside the processed event ids: one document per scoped key (a SHA-256, so
 * always a safe id), with a per-item `ttl` so Cosmos DB deletes it once it expires
 * (https://learn.microsoft.com/azure/cosmos-db/nosql/time-to-live: an item's `ttl` overrides the
 * container's default when the container has one). `expiresAt` is checked on read as well, so a
 * record is forgotten on time where TTL deletion lags (it runs in the background) or is absent
 * (the embedded server).
 */
export function createCosmosIdempotencyStore(options: CosmosIdempotencyStoreOptions): IdempotencyStore {
  const container = options.client
    .database(options.databaseName)
    .container(options.container ?? DEFAULT_CONTAINER_NAMES.events);
  return new CosmosIdempotencyStore(container);
}

function itemKey(key: string): ItemKey {
  const id = `idempotency-${key}`;
  return { id, partitionKey: id };
}

class CosmosIdempotencyStore implements IdempotencyStore {
  constructor(private readonly container: Container) {}

  async find(key: string): Promise<StoredIdempotencyRecord | undefined> {
    const found = await readItem(this.container, itemKey(key), `read idempotency key`);
    return found === undefined ? undefined : { record: fromDocument(found.resource), etag: found.etag };
  }

  put(record: IdempotencyRecord, etag?: string): Promise<string> {
    const ttl = Math.max(1, Math.ceil((Date.parse(record.expiresAt) - Date.parse(record.startedAt)) / 1000));
    const doc = { ...record, id: itemKey(record.key).id, type: 'idempotency', ttl };
    return writeItem(this.container, itemKey(record.key), doc, etag, 'save idempotency key');
  }

  async remove(key: string, etag: string): Promise<void> {
    const { id, partitionKey } = itemKey(key);
    try {
      await this.container
        .item(id, partitionKey)
        .delete({ accessCondition: { type: 'IfMatch', condition: etag } });
    } catch (thrown) {
      throw mapCosmosError(thrown, 'release idempotency key');
    }
  }
}

function fromDocument(doc: ItemDefinition): IdempotencyRecord {
  const data = parseDocument(documentSchema, String(doc.id), doc);
  const { answer, ...rest } = data;
  if (answer === undefined) return rest;
  const { body, ...head } = answer;
  return { ...rest, answer: body === undefined ? head : { ...head, body } };
}
