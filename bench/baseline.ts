import { randomUUID } from 'node:crypto';

import { CosmosClient } from '@azure/cosmos';

import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { median, timed } from './stats';

export interface Baseline {
  /** One point read, ms (median). */
  readonly pointRead: number;
  /** One point read + one If-Match replace + one audit create, ms (sum of medians): one signal's bare store work. */
  readonly signalStoreWork: number;
}

/**
 * The bare store work of one signal on the same embedded Cosmos the control plane uses, through
 * the same SDK: a point read, an If-Match replace and an audit create, in a container of its own.
 */
export async function measureBaseline(cosmos: EmbeddedCosmos, reps = 200): Promise<Baseline> {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent });
  const { database } = await client.databases.createIfNotExists({
    id: `bench-baseline-${randomUUID().slice(0, 8)}`,
  });
  const { container } = await database.containers.createIfNotExists({
    id: 'stamps',
    partitionKey: { paths: ['/stampId'] },
  });
  const doc = { id: 'weu-001', stampId: 'weu-001', phase: 'active', n: 0 };
  await container.items.create(doc);
  const reads: number[] = [];
  const replaces: number[] = [];
  const creates: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    let etag = '';
    reads.push(
      await timed(async () => {
        const read = await container.item('weu-001', 'weu-001').read<typeof doc>();
        etag = read.etag;
      }),
    );
    replaces.push(
      await timed(() =>
        container
          .item('weu-001', 'weu-001')
          .replace({ ...doc, n: i }, { accessCondition: { type: 'IfMatch', condition: etag } }),
      ),
    );
    creates.push(
      await timed(() =>
        container.items.create({
          id: `audit-${String(i).padStart(6, '0')}`,
          stampId: 'weu-001',
          seq: i,
          to: 'active',
        }),
      ),
    );
  }
  await database.delete();
  client.dispose();
  return { pointRead: median(reads), signalStoreWork: median(reads) + median(replaces) + median(creates) };
}
