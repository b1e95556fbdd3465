import type { Services } from '../shared/app/services';
import { importedStamp } from '../shared/lifecycle/newStamp';
import { pool } from './stats';

/**
 * Archived stamps written straight to the store: fleet size that a scan would pay for and a
 * design keyed by id does not (B2, B3). Stamp ids use a code of their own (`arc-000001`).
 */
export async function writeArchived(svc: Services, count: number, region: string): Promise<string[]> {
  const now = svc.clock.now().toISOString();
  const ids = Array.from({ length: count }, (_, i) => `arc-${String(i + 1).padStart(6, '0')}`);
  await pool(ids, 8, async (id) => {
    const { stamp, audit } = importedStamp({
      id,
      region,
      now,
      cause: { kind: 'system', eventId: `bench-${id}`, reason: 'bench filler' },
      phase: 'archived',
      traffic: 'none',
    });
    await svc.store.create(stamp, audit);
  });
  return ids;
}
