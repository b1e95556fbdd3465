import { randomUUID } from 'node:crypto';

import { CosmosClient } from '@azure/cosmos';

import type { Services } from '../shared/app/services';
import { sweepRetention } from '../shared/app/sweeps';
import { createCosmosStampStore, ensureStampsDatabase } from '../shared/azure/cosmos';
import { loadConfig } from '../shared/config/loadConfig';
import { ManualClock } from '../shared/local/clock/manualClock';
import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { writeArchived } from './fleet';
import { median, pool, timed } from './stats';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;

/**
 * B3: the retention sweep (sweepRetention: the due day buckets, then one inbox event per due
 * stamp) with 10 stamps due among `archived` archived stamps, the others due over the next
 * year. Repeated sweeps find the same 10 (their events are then duplicates): same work each time.
 */
export async function measureSweep(cosmos: EmbeddedCosmos, archived: number, reps: number): Promise<number> {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent });
  const databaseName = `bench-retention-${randomUUID().slice(0, 8)}`;
  await ensureStampsDatabase(client, { databaseName });
  const config = loadConfig({});
  const svc = {
    config,
    clock: new ManualClock(NOW),
    store: createCosmosStampStore({ client, databaseName }),
  } as unknown as Services; // the sweep uses only the store and the clock
  const ids = await writeArchived(svc, archived, 'westeurope');
  await pool(
    ids.map((id, i) => ({ id, i })),
    8,
    async ({ id, i }) => {
      const dueAt = i < 10 ? new Date(NOW.getTime() - DAY) : new Date(NOW.getTime() + (1 + (i % 365)) * DAY);
      await svc.store.schedulePurge(id, dueAt.toISOString());
    },
  );
  const found = await sweepRetention(svc);
  if (found.length !== 10) throw new Error(`expected 10 due, found ${found.length}`);
  const samples: number[] = [];
  for (let r = 0; r < reps; r += 1) samples.push(await timed(() => sweepRetention(svc)));
  await client.database(databaseName).delete();
  client.dispose();
  return median(samples);
}
