import type { Container, CosmosClient, ItemDefinition } from '@azure/cosmos';
import { z } from 'zod';

import { ValidationError } from '../../errors';
import type { IncidentLog, IncidentRecord } from '../../ports/incidentLog';
import { processedEventDocumentId } from './cosmosStampStore';
import { DEFAULT_CONTAINER_NAMES } from './database';
import { parseDocument } from './documents';
import { cosmosStatusOf, mapCosmosError } from './errors';

export interface CosmosIncidentLogOptions {
  readonly client: CosmosClient;
  readonly databaseName: string;
  /** The processed-events container (partition key `/id`). */
  readonly container?: string;
}

/**
 * Incidents outlive the container's default TTL (a week of processed event ids): a month, set per
 * item, which Cosmos DB lets override the container's default
 * (https://learn.microsoft.com/azure/cosmos-db/nosql/time-to-live).
 */
export const INCIDENT_TTL_SECONDS = 30 * 24 * 3600;

const documentSchema = z.object({
  incidentId: z.string().min(1),
  kind: z.string().min(1),
  stampId: z.string().optional(),
  detail: z.string(),
  raisedAt: z.string(),
});

/**
 * The incident log in the processed-events container, one document per incident
 * (`type: 'incident'`), beside the signal log.
 *
 * @example
 * const log = createCosmosIncidentLog({ client, databaseName: 'stamps' });
 * await log.record({ id, kind: 'blast-radius', detail, raisedAt });
 */
export function createCosmosIncidentLog(options: CosmosIncidentLogOptions): IncidentLog {
  const container = options.client
    .database(options.databaseName)
    .container(options.container ?? DEFAULT_CONTAINER_NAMES.events);
  return new CosmosIncidentLog(container);
}

class CosmosIncidentLog implements IncidentLog {
  constructor(private readonly container: Container) {}

  async record(incident: IncidentRecord): Promise<boolean> {
    if (incident.id.length === 0) throw new ValidationError('an incident needs an id', 'id');
    const { id, ...rest } = incident;
    const doc = {
      ...rest,
      id: incidentDocumentId(id),
      incidentId: id,
      type: 'incident',
      ttl: INCIDENT_TTL_SECONDS,
    };
    try {
      await this.container.items.create(doc);
      return true;
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 409) return false;
      throw mapCosmosError(thrown, `record incident '${id}'`);
    }
  }

  async recent(options: { readonly since: string; readonly limit: number }): Promise<IncidentRecord[]> {
    const limit = Math.max(1, Math.min(500, Math.floor(options.limit)));
    try {
      const { resources } = await this.container.items
        .query<ItemDefinition>({
          query:
            "SELECT TOP @limit * FROM c WHERE c.type = 'incident' AND c.raisedAt >= @since ORDER BY c.raisedAt DESC",
          parameters: [
            { name: '@limit', value: limit },
            { name: '@since', value: options.since },
          ],
        })
        .fetchAll();
      return resources.map(fromDocument);
    } catch (thrown) {
      throw mapCosmosError(thrown, 'list recent incidents');
    }
  }
}

function incidentDocumentId(id: string): string {
  return processedEventDocumentId(`incident-log:${id}`);
}

function fromDocument(doc: ItemDefinition): IncidentRecord {
  const { incidentId, stampId, ...rest } = parseDocument(documentSchema, String(doc.id), doc);
  return { id: incidentId, ...rest, ...(stampId === undefined ? {} : { stampId }) };
}
