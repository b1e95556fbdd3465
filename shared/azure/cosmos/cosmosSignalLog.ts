import type { Container, CosmosClient, ItemDefinition } from '@azure/cosmos';
import { z } from 'zod';

import { ValidationError } from '../../errors';
import type { SignalLog, SignalRecord, StoredSignalOutcome } from '../../ports/signalLog';
import { processedEventDocumentId } from './cosmosStampStore';
import { DEFAULT_CONTAINER_NAMES } from './database';
import { parseDocument } from './documents';
import { cosmosStatusOf, mapCosmosError } from './errors';

export interface CosmosSignalLogOptions {
  readonly client: CosmosClient;
  readonly databaseName: string;
  /** The processed-events container (partition key `/id`); its defaultTtl bounds how long records stay. */
  readonly container?: string;
}

const optionalText = z.string().optional();
const documentSchema = z.object({
  signalId: z.string().min(1),
  outcome: z.enum(['accepted', 'unmatched', 'rejected']),
  receivedAt: z.string(),
  via: z.enum(['alert-receiver', 'event-grid']),
  reason: optionalText,
  stampId: optionalText,
  alertId: optionalText,
  alertRule: optionalText,
  signalType: optionalText,
  sample: optionalText,
});

/**
 * The signal log in the processed-events container, beside the processed event ids: one document
 * per signal id (`type: 'signal'`), expiring with the container's TTL (7 days by default). A
 * duplicate alert is found by one point read of its id.
 *
 * @example
 * const log = createCosmosSignalLog({ client, databaseName: 'stamps' });
 * await log.record({ id: 'alert:a1:Fired', outcome: 'accepted', receivedAt, via: 'alert-receiver' });
 */
export function createCosmosSignalLog(options: CosmosSignalLogOptions): SignalLog {
  const container = options.client
    .database(options.databaseName)
    .container(options.container ?? DEFAULT_CONTAINER_NAMES.events);
  return new CosmosSignalLog(container);
}

class CosmosSignalLog implements SignalLog {
  constructor(private readonly container: Container) {}

  async find(id: string): Promise<SignalRecord | undefined> {
    const docId = signalDocumentId(id);
    try {
      const response = await this.container.item(docId, docId).read<ItemDefinition>();
      if (response.statusCode === 404 || response.resource === undefined) return undefined;
      return fromDocument(response.resource);
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 404) return undefined;
      throw mapCosmosError(thrown, `read signal record '${id}'`);
    }
  }

  async record(record: SignalRecord): Promise<boolean> {
    if (record.id.length === 0) throw new ValidationError('a signal record needs an id', 'id');
    const doc = { ...record, id: signalDocumentId(record.id), signalId: record.id, type: 'signal' };
    try {
      await this.container.items.create(doc);
      return true;
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 409) return false;
      throw mapCosmosError(thrown, `record signal '${record.id}'`);
    }
  }

  async recent(options: {
    since: string;
    limit: number;
    outcome?: StoredSignalOutcome;
  }): Promise<SignalRecord[]> {
    const limit = Math.max(1, Math.min(500, Math.floor(options.limit)));
    const outcome = options.outcome === undefined ? '' : ' AND c.outcome = @outcome';
    try {
      const { resources } = await this.container.items
        .query<ItemDefinition>({
          query: `SELECT TOP @limit * FROM c WHERE c.type = 'signal' AND c.receivedAt >= @since${outcome} ORDER BY c.receivedAt DESC`,
          parameters: [
            { name: '@limit', value: limit },
            { name: '@since', value: options.since },
            ...(options.outcome === undefined ? [] : [{ name: '@outcome', value: options.outcome }]),
          ],
        })
        .fetchAll();
      return resources.map(fromDocument);
    } catch (thrown) {
      throw mapCosmosError(thrown, 'list recent signals');
    }
  }

  async count(outcome: StoredSignalOutcome, since: string): Promise<number> {
    try {
      const { resources } = await this.container.items
        .query<number>({
          query:
            "SELECT VALUE COUNT(1) FROM c WHERE c.type = 'signal' AND c.outcome = @outcome AND c.receivedAt >= @since",
          parameters: [
            { name: '@outcome', value: outcome },
            { name: '@since', value: since },
          ],
        })
        .fetchAll();
      return resources.reduce((sum, n) => sum + n, 0);
    } catch (thrown) {
      throw mapCosmosError(thrown, `count ${outcome} signals`);
    }
  }
}

/** Signal ids hold alert ids (Azure resource ids, with `/`): stored under the same safe ids as processed events. */
function signalDocumentId(id: string): string {
  return processedEventDocumentId(`signal-log:${id}`);
}

function fromDocument(doc: ItemDefinition): SignalRecord {
  const data = parseDocument(documentSchema, String(doc.id), doc);
  const { signalId, outcome, receivedAt, via, ...optional } = data;
  const record: SignalRecord = { id: signalId, outcome, receivedAt, via };
  const present = Object.entries(optional).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return { ...record, ...Object.fromEntries(present) };
}
