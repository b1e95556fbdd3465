import type { Services } from '../shared/app/services';
import type { AuditRecord, Stamp } from '../shared/lifecycle/stamp';
import { pool } from './stats';

/**
 * Archived stamps written straight to the store: fleet size that a scan would pay for and a
 * design keyed by id does not (B2, B3). Stamp ids use a code of their own (`arc-000001`).
 */
export async function writeArchived(svc: Services, count: number, region: string): Promise<string[]> {
  const now = svc.clock.now().toISOString();
  const ids = Array.from({ length: count }, (_, i) => `arc-${String(i + 1).padStart(6, '0')}`);
  await pool(ids, 8, async (id) => {
    const cause = { kind: 'system' as const, eventId: `bench-${id}`, reason: 'bench filler' };
    const stamp: Stamp = {
      id,
      region,
      phase: 'archived',
      traffic: 'none',
      generation: 1,
      createdAt: now,
      phaseSince: now,
      cause,
      deadlines: {},
      health: { probe: 'healthy' },
      deployment: { name: `stamp-${id}-1` },
      auditSeq: 1,
      processedEventIds: [cause.eventId],
    };
    const audit: AuditRecord = { stampId: id, seq: 1, at: now, from: null, to: 'archived', cause };
    await svc.store.create(stamp, audit);
  });
  return ids;
}
