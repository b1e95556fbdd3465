import { retryOnConflict } from '../errors/retryOnConflict';
import { type FleetMember, type FleetView, memberOf } from '../lifecycle/fleet';
import type { GuardView } from '../lifecycle/guardView';
import type { LifecyclePolicy, RegionPolicy } from '../lifecycle/policy';
import { countsOf, type RegionCounts, sameCounts } from '../lifecycle/regionCounts';
import type { Stamp } from '../lifecycle/stamp';
import { addMinutes, isBefore } from '../lifecycle/time';
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
 * caller re-reads and re-decides.
 *
 * What is claimed before the commit never says more than the stamps will: a change that takes
 * capacity away or adds a failure is claimed as it is; one that gives capacity back (a rejoin, a
 * cancelled drain, a failing stamp leaving the count) is claimed as the old entry, failures kept,
 * and written as it is only once committed (docs/architecture.md §18). Returns whether the commit
 * must be followed by that write (`syncLedger`).
 */
export async function claimGuards(
  store: StampStore,
  read: GuardRead,
  stamp: Stamp,
  now: string,
): Promise<boolean> {
  const stored = read.ledger;
  if (stored === undefined) return false;
  const before = stored.ledger.members[stamp.id];
  const after = isLive(stamp) ? memberOf(stamp) : undefined;
  const claim = claimedEntry(before, after);
  const members = withEntry(
    stored.ledger.members,
    stamp.id,
    claim === undefined ? undefined : { ...claim, claimedAt: now },
  );
  if (!sameMember(before, claim)) {
    await store.replaceLedger({ ...stored.ledger, members }, stored.etag);
  }
  const counts = countsOf(Object.values(members));
  if (!sameCounts(read.summary.regions[stamp.region], counts)) {
    await store.replaceFleetSummary({ ...read.summary.regions, [stamp.region]: counts }, read.summary.etag);
  }
  return !sameMember(claim, after);
}

const inRotation = (member: FleetMember | undefined): boolean =>
  member?.phase === 'active' && member.traffic === 'in-rotation';

/**
 * Whether moving a stamp's entry from `before` to `after` could let a guard allow more than it
 * did: one more stamp in rotation (minimum in rotation), one more healthy in rotation, or one
 * failing fewer (blast radius).
 */
export function addsCapacity(before: FleetMember | undefined, after: FleetMember | undefined): boolean {
  const was = countsOf(before === undefined ? [] : [before]);
  const will = countsOf(after === undefined ? [] : [after]);
  return (
    (inRotation(after) && !inRotation(before)) ||
    will.healthyInRotation > was.healthyInRotation ||
    will.failing < was.failing
  );
}

/** What a decision claims before its commit: the new entry, unless it gives capacity back. */
export function claimedEntry(
  before: FleetMember | undefined,
  after: FleetMember | undefined,
): FleetMember | undefined {
  if (!addsCapacity(before, after)) return after;
  if (before === undefined) return undefined;
  // A new failure is claimed even when the rest waits for the commit (several events, one batch).
  return after?.probe === 'failing' ? { ...before, probe: 'failing' } : before;
}

function withEntry(
  members: Readonly<Record<string, FleetMember>>,
  id: string,
  entry: FleetMember | undefined,
): Record<string, FleetMember> {
  const { [id]: _previous, ...others } = members;
  return entry === undefined ? others : { ...others, [id]: entry };
}

/** The ledger's members with the stamp's entry brought in line (added, changed, removed). */
export function fleetMembersWith(
  members: Readonly<Record<string, FleetMember>>,
  stamp: Stamp,
): Record<string, FleetMember> {
  return withEntry(members, stamp.id, isLive(stamp) ? memberOf(stamp) : undefined);
}

/** The view with one member replaced by (or added as) the given stamp's current state. */
export function withStamp<V extends FleetView>(fleet: V, stamp: Stamp): V {
  const others = fleet.members.filter((member) => member.id !== stamp.id);
  return { ...fleet, members: isLive(stamp) ? [...others, memberOf(stamp)] : others };
}

/** The same entry, whenever it was claimed. */
function sameMember(a: FleetMember | undefined, b: FleetMember | undefined): boolean {
  return JSON.stringify(withoutClaim(a)) === JSON.stringify(withoutClaim(b));
}

function withoutClaim(member: FleetMember | undefined): FleetMember | undefined {
  if (member?.claimedAt === undefined) return member;
  const { claimedAt: _claimedAt, ...entry } = member;
  return entry;
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

/** How long the reconciliation sweep leaves alone a claim that says less than its stamp. */
export const CLAIM_GRACE_MINUTES = 15;

/**
 * The reconciliation sweep's `syncLedgerEntry`, for a stamp it listed at its start (which may have
 * moved on since): the stamp is read again before anything is written, and an entry that says
 * less than the stamp (less capacity, more failing) is left alone while it is a claim younger
 * than CLAIM_GRACE_MINUTES, since its decision's commit may still be on its way; undoing it would
 * let the guards count capacity that is about to go (docs/architecture.md §18). An older one was
 * abandoned, and is repaired.
 */
export async function repairLedgerEntry(
  store: StampStore,
  policy: LifecyclePolicy,
  listed: Stamp,
  now: string,
): Promise<void> {
  const region = regionOf(policy, listed.region);
  if (region === undefined) return;
  await retryOnConflict(`repair ledger of ${listed.region} for ${listed.id}`, async () => {
    const stored = await store.ensureLedger(region.name, region.code);
    const entry = stored.ledger.members[listed.id];
    if (entryMatches(entry, listed)) return;
    const stamp = (await store.get(listed.id))?.stamp;
    if (stamp === undefined || entryMatches(entry, stamp)) return;
    const claimed = entry?.claimedAt;
    const target = isLive(stamp) ? memberOf(stamp) : undefined;
    const young = claimed !== undefined && isBefore(now, addMinutes(claimed, CLAIM_GRACE_MINUTES));
    if (young && addsCapacity(entry, target)) return;
    await store.replaceLedger(
      { ...stored.ledger, members: fleetMembersWith(stored.ledger.members, stamp) },
      stored.etag,
    );
  });
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
