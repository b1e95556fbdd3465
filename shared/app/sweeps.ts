import { retryOnConflict } from '../errors/retryOnConflict';
import type { Phase } from '../lifecycle/phase';
import { withoutReservation } from '../lifecycle/regionDesired';
import type { Stamp } from '../lifecycle/stamp';
import { addMinutes, isBefore } from '../lifecycle/time';
import { entryMatches, isLive, readLedgers, repairLedgerEntry, syncSummary } from './fleet';
import type { Services } from './services';

/**
 * Retention sweep: every archived stamp whose purge is due gets a RetentionElapsed event (the
 * pure core checks the retention again before it purges). Asks the purge schedule for due
 * stamps; never scans the fleet.
 */
export async function sweepRetention(svc: Services): Promise<string[]> {
  const now = svc.clock.now().toISOString();
  const due = await svc.store.listPurgeDue(now);
  for (const stampId of due) {
    await svc.store.enqueueEvent(stampId, { type: 'RetentionElapsed', id: `retention:${stampId}` });
  }
  return due;
}

/** How long a phase may reasonably last (the seed's upper bound, with room), in minutes. */
const EXPECTED_MINUTES: Partial<Record<Phase, number>> = {
  provisioning: 40,
  registering: 20,
  quarantined: 30,
  decommissioning: 40,
};

export interface ReconciliationReport {
  readonly stuck: readonly {
    readonly stampId: string;
    readonly phase: Phase;
    readonly since: string;
    readonly detail: string;
  }[];
  readonly repairedOrigins: readonly { readonly stampId: string; readonly detail: string }[];
  readonly missingOrigins: readonly string[];
  readonly orphanLedgerMembers: readonly string[];
  /** Live stamps, for the caller to check their orchestration is running. */
  readonly live: readonly Stamp[];
}

function stuckDetail(stamp: Stamp, now: string): string | undefined {
  if (stamp.phase === 'draining') {
    const end = stamp.deadlines.drainEndsAt;
    return end !== undefined && isBefore(addMinutes(end, 15), now)
      ? `drain should have ended at ${end}`
      : undefined;
  }
  const limit = EXPECTED_MINUTES[stamp.phase];
  if (limit === undefined) return undefined;
  return isBefore(addMinutes(stamp.phaseSince, limit), now)
    ? `${stamp.phase} for longer than ${limit} minutes (since ${stamp.phaseSince})`
    : undefined;
}

function serving(stamp: Stamp): boolean {
  return stamp.phase === 'active' && stamp.traffic === 'in-rotation';
}

/** Whether Front Door's origin already says what the stamp's record wants. */
function originAgrees(enabled: boolean, stamp: Stamp): boolean {
  return enabled === serving(stamp) || (enabled && stamp.phase === 'registering');
}

/**
 * Reconciliation sweep: stamps stuck in a phase beyond its expected duration are reported;
 * Front Door is brought in line with the records both ways (an enabled origin on a stamp that is
 * not active and in rotation is disabled; a disabled origin on a stamp in rotation is enabled);
 * region ledgers are brought in line with the stamps. Runs on a timer; every step is idempotent.
 */
export async function reconcile(svc: Services): Promise<ReconciliationReport> {
  const { store, traffic, config, clock } = svc;
  const now = clock.now().toISOString();
  const stamps = await store.list();
  const byId = new Map(stamps.map((s) => [s.id, s]));
  const live = stamps.filter(isLive);

  const stuck = live.flatMap((stamp) => {
    const detail = stuckDetail(stamp, now);
    return detail === undefined
      ? []
      : [{ stampId: stamp.id, phase: stamp.phase, since: stamp.phaseSince, detail }];
  });

  const repairedOrigins: { stampId: string; detail: string }[] = [];
  const origins = await traffic.listOrigins();
  for (const origin of origins) {
    const listed = byId.get(origin.stampId);
    if (listed !== undefined && originAgrees(origin.enabled, listed)) continue;
    // The list is as old as the sweep: the stamp is read again before Front Door is changed, so a
    // stamp isolated or rejoined meanwhile does not get its origin turned back.
    const stamp = (await store.get(origin.stampId))?.stamp;
    if (stamp !== undefined && originAgrees(origin.enabled, stamp)) continue;
    const shouldServe = stamp !== undefined && serving(stamp);
    const registering = stamp?.phase === 'registering';
    if (origin.enabled && !shouldServe && !registering) {
      await traffic.setOriginEnabled(origin.stampId, false);
      repairedOrigins.push({
        stampId: origin.stampId,
        detail: `origin was enabled while the stamp is ${stamp === undefined ? 'unknown' : `${stamp.phase}/${stamp.traffic}`}; disabled`,
      });
    } else if (!origin.enabled && shouldServe) {
      // The other way: the guards count this stamp in rotation, but Front Door sends it nothing
      // (someone disabled it by hand, or a disable outlived an undo). The record is the intent.
      await traffic.setOriginEnabled(origin.stampId, true);
      repairedOrigins.push({
        stampId: origin.stampId,
        detail: `origin was disabled while the stamp is active/in-rotation and counted as serving; enabled`,
      });
    }
  }
  const originIds = new Set(origins.map((o) => o.stampId));
  const missingOrigins = live.filter((s) => s.phase === 'active' && !originIds.has(s.id)).map((s) => s.id);

  // Each ledger is read once for the whole fleet; only an entry that disagrees with its stamp is
  // repaired (which reads both again before it writes).
  const ledgers = await readLedgers(store, config.policy);
  const entryOf = (stamp: Stamp) =>
    ledgers.find((stored) => stored.ledger.region === stamp.region)?.ledger.members[stamp.id];
  for (const stamp of stamps)
    if (!entryMatches(entryOf(stamp), stamp)) await repairLedgerEntry(store, config.policy, stamp, now);
  const orphanLedgerMembers: string[] = [];
  for (const stored of ledgers) {
    const candidates = Object.keys(stored.ledger.members).filter((id) => !byId.has(id));
    // A slot reserved after the list was read has its stamp written by now, or very soon:
    // a point read spares the ones already written.
    const orphans: string[] = [];
    for (const id of candidates) if ((await store.get(id)) === undefined) orphans.push(id);
    if (orphans.length === 0) continue;
    orphanLedgerMembers.push(...orphans);
    await retryOnConflict(`drop orphans of ${stored.ledger.region}`, async () => {
      const current = await store.ensureLedger(stored.ledger.region, stored.ledger.code);
      const cleaned = orphans.reduce((ledger, id) => withoutReservation(ledger, id, now), current.ledger);
      await store.replaceLedger(cleaned, current.etag);
    });
  }
  // Once for the whole fleet, after every ledger is right: a summary left behind by a writer that
  // stopped between its ledger and its summary write is repaired here.
  await syncSummary(store, config.policy);
  return { stuck, repairedOrigins, missingOrigins, orphanLedgerMembers, live };
}
