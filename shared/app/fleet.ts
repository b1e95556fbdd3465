import { retryOnConflict } from '../errors/retryOnConflict';
import { type FleetMember, type FleetView, memberOf } from '../lifecycle/fleet';
import type { LifecyclePolicy, RegionPolicy } from '../lifecycle/policy';
import type { Stamp } from '../lifecycle/stamp';
import type { StampStore, StoredLedger } from '../ports/stampStore';

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

/** The live fleet as the guards see it (one point read of the fleet document). */
export async function readFleet(store: StampStore): Promise<FleetView> {
  return { members: Object.values((await store.getFleet()).members) };
}

/** The fleet document's members with the stamp's entry brought in line (added, changed, removed). */
export function fleetMembersWith(
  members: Readonly<Record<string, FleetMember>>,
  stamp: Stamp,
): Record<string, FleetMember> {
  const { [stamp.id]: _previous, ...others } = members;
  return isLive(stamp) ? { ...others, [stamp.id]: memberOf(stamp) } : others;
}

/** The fleet with one member replaced by (or added as) the given stamp's current state. */
export function withStamp(fleet: FleetView, stamp: Stamp): FleetView {
  const others = fleet.members.filter((member) => member.id !== stamp.id);
  return { members: isLive(stamp) ? [...others, memberOf(stamp)] : others };
}

function sameMember(a: FleetMember | undefined, b: FleetMember | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a stored entry (ledger or fleet document) already says what the stamp is. */
export function entryMatches(entry: FleetMember | undefined, stamp: Stamp): boolean {
  return sameMember(entry, isLive(stamp) ? memberOf(stamp) : undefined);
}

/**
 * Brings the stamp's entry in its region's ledger in line with the stamp (added, updated, or
 * removed once archived). Idempotent; called after every commit and by reconciliation.
 */
export async function syncLedger(store: StampStore, policy: LifecyclePolicy, stamp: Stamp): Promise<void> {
  const region: RegionPolicy | undefined = policy.regions.find((r) => r.name === stamp.region);
  if (region === undefined) return;
  await retryOnConflict(`sync ledger of ${stamp.region} for ${stamp.id}`, async () => {
    const stored = await store.ensureLedger(region.name, region.code);
    if (entryMatches(stored.ledger.members[stamp.id], stamp)) return;
    await store.replaceLedger(
      { ...stored.ledger, members: fleetMembersWith(stored.ledger.members, stamp) },
      stored.etag,
    );
  });
  await retryOnConflict(`sync the fleet for ${stamp.id}`, async () => {
    const fleet = await store.getFleet();
    if (entryMatches(fleet.members[stamp.id], stamp)) return;
    await store.replaceFleet(fleetMembersWith(fleet.members, stamp), fleet.etag);
  });
}
