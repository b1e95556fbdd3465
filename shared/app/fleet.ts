import { retryOnConflict } from '../errors/retryOnConflict';
import { type FleetMember, type FleetView, memberOf } from '../lifecycle/fleet';
import type { GuardView } from '../lifecycle/guardView';
import type { LifecyclePolicy, RegionPolicy } from '../lifecycle/policy';
import { countsOf, type RegionCounts, sameCounts } from '../lifecycle/regionCounts';
import type { Stamp } from '../lifecycle/stamp';
import type { StampStore, StoredFleetSummary, StoredLedger } from '../ports/stampStore';

/** A stamp is in the live fleet (and its region's ledger) until it is archived. */
export function isLive(stamp: Pick<Stamp, 'phase'>): boolean {
  return stamp.phase !== 'archived' && stamp.phase !== 'purged';
}

/** Every configured region's ledger (created when missing): a few point reads, never a query. */
export async function readLedgers(store: StampStore, policy: LifecyclePolicy): Promise<StoredLedger[]> {
  return Promise.all(policy.regions.map((region) => store.ensureLedger(region.name, region.code)));
}

export function fleetFromLedgers(ledgers: readonly StoredLedger[]): FleetView {
  return { members: ledgers.flatMap((stored) => Object.values(stored.ledger.members)) };
}

function regionOf(policy: LifecyclePolicy, name: string): RegionPolicy | undefined {
  return policy.regions.find((r) => r.name === name);
}

/** The ledger of a stamp's region: created when the region is configured, else as stored (maybe none). */
function readRegionLedger(
  store: StampStore,
  policy: LifecyclePolicy,
  name: string,
): Promise<StoredLedger | undefined> {
  const region = regionOf(policy, name);
  return region === undefined ? store.getLedger(name) : store.ensureLedger(region.name, region.code);
}

/**
 * The fleet summary, created from the region ledgers when there is none yet (a new store, or one
 * written before the summary existed): the blast-radius guard must never count an empty fleet
 * because a document is missing. A concurrent creation makes the caller re-read (ConflictError).
 */
export async function readFleetSummary(
  store: StampStore,
  policy: LifecyclePolicy,
): Promise<StoredFleetSummary> {
  const stored = await store.getFleetSummary();
  if (stored.etag !== undefined) return stored;
  const ledgers = await readLedgers(store, policy);
  return store.replaceFleetSummary(summaryOf(ledgers));
}

function summaryOf(ledgers: readonly StoredLedger[]): Record<string, RegionCounts> {
  return Object.fromEntries(
    ledgers.map((stored) => [stored.ledger.region, countsOf(Object.values(stored.ledger.members))]),
  );
}

/** What a decision's guards read, kept to claim it with If-Match afterwards. */
export interface GuardRead {
  readonly view: GuardView;
  readonly summary: StoredFleetSummary;
  /** Absent only for a stamp of a region that is no longer configured and has no ledger. */
  readonly ledger?: StoredLedger;
}

/**
 * What the guards of a decision for `stamp` see: the fleet summary, then its region's ledger. The
 * order matters (docs/architecture.md §18): the summary's counts of a region are written only
 * after the ledger they were counted from, so a ledger read after the summary is never older than
 * what the summary says of it.
 */
export async function readGuards(
  store: StampStore,
  policy: LifecyclePolicy,
  stamp: Stamp,
): Promise<GuardRead> {
  const summary = await readFleetSummary(store, policy);
  const ledger = await readRegionLedger(store, policy, stamp.region);
  const members = Object.values(ledger?.ledger.members ?? {});
  const view = withStamp({ members, counts: summary.regions }, stamp);
  return { view, summary, ...(ledger === undefined ? {} : { ledger }) };
}

/**
 * Claims what a decision changed for the guards, each with If-Match on what it read: its region's
 * ledger (when the stamp's entry changed: decisions in one region are serialised there), then the
 * fleet summary (when the region's counts changed: decisions that move the blast-radius counts
 * are serialised there, whatever their region). ConflictError when either changed meanwhile: the
 * caller re-reads and re-decides. Afterwards both say what the stamp now is.
 */
export async function claimGuards(store: StampStore, read: GuardRead, stamp: Stamp): Promise<void> {
  const stored = read.ledger;
  if (stored === undefined) return;
  const members = fleetMembersWith(stored.ledger.members, stamp);
  if (!entryMatches(stored.ledger.members[stamp.id], stamp)) {
    await store.replaceLedger({ ...stored.ledger, members }, stored.etag);
  }
  const counts = countsOf(Object.values(members));
  if (!sameCounts(read.summary.regions[stamp.region], counts)) {
    await store.replaceFleetSummary({ ...read.summary.regions, [stamp.region]: counts }, read.summary.etag);
  }
}

/** The ledger's members with the stamp's entry brought in line (added, changed, removed). */
export function fleetMembersWith(
  members: Readonly<Record<string, FleetMember>>,
  stamp: Stamp,
): Record<string, FleetMember> {
  const { [stamp.id]: _previous, ...others } = members;
  return isLive(stamp) ? { ...others, [stamp.id]: memberOf(stamp) } : others;
}

/** The view with one member replaced by (or added as) the given stamp's current state. */
export function withStamp<V extends FleetView>(fleet: V, stamp: Stamp): V {
  const others = fleet.members.filter((member) => member.id !== stamp.id);
  return { ...fleet, members: isLive(stamp) ? [...others, memberOf(stamp)] : others };
}

function sameMember(a: FleetMember | undefined, b: FleetMember | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a stored ledger entry already says what the stamp is. */
export function entryMatches(entry: FleetMember | undefined, stamp: Stamp): boolean {
  return sameMember(entry, isLive(stamp) ? memberOf(stamp) : undefined);
}

/**
 * Brings the stamp's entry in its region's ledger in line with the stamp (added, updated, or
 * removed once archived), then the region's counts in the fleet summary. Idempotent; called after
 * every commit whose decision claimed nothing, and by reconciliation.
 */
export async function syncLedger(store: StampStore, policy: LifecyclePolicy, stamp: Stamp): Promise<void> {
  if (!(await syncLedgerEntry(store, policy, stamp))) return;
  await syncSummary(store, policy, [stamp.region]);
}

/** The ledger half of `syncLedger`; false when the stamp's region is not configured. */
export async function syncLedgerEntry(
  store: StampStore,
  policy: LifecyclePolicy,
  stamp: Stamp,
): Promise<boolean> {
  const region = regionOf(policy, stamp.region);
  if (region === undefined) return false;
  await retryOnConflict(`sync ledger of ${stamp.region} for ${stamp.id}`, async () => {
    const stored = await store.ensureLedger(region.name, region.code);
    if (entryMatches(stored.ledger.members[stamp.id], stamp)) return;
    await store.replaceLedger(
      { ...stored.ledger, members: fleetMembersWith(stored.ledger.members, stamp) },
      stored.etag,
    );
  });
  return true;
}

/**
 * Brings the fleet summary's counts of the given regions (every configured one when omitted) in
 * line with their ledgers: summary first, then the ledgers, then the write with If-Match, so a
 * slow writer can never put back counts older than a faster one's.
 */
export async function syncSummary(
  store: StampStore,
  policy: LifecyclePolicy,
  regions: readonly string[] = policy.regions.map((r) => r.name),
): Promise<void> {
  await retryOnConflict(`sync the fleet summary of ${regions.join(', ')}`, async () => {
    const summary = await readFleetSummary(store, policy);
    const fresh: Record<string, RegionCounts> = {};
    for (const name of regions) {
      const ledger = await readRegionLedger(store, policy, name);
      if (ledger !== undefined) fresh[name] = countsOf(Object.values(ledger.ledger.members));
    }
    if (Object.entries(fresh).every(([name, counts]) => sameCounts(summary.regions[name], counts))) return;
    await store.replaceFleetSummary({ ...summary.regions, ...fresh }, summary.etag);
  });
}
