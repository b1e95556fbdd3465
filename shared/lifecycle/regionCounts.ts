import type { FleetMember } from './fleet';

/**
 * What the blast-radius guard needs of one region, and all the fleet summary keeps of it: its
 * active stamps that count (in rotation, or taken out by a failing probe), how many of those are
 * failing, and how many are healthy in rotation (where a region's traffic can move to).
 */
export interface RegionCounts {
  readonly base: number;
  readonly failing: number;
  readonly healthyInRotation: number;
}

export const NO_STAMPS: RegionCounts = { base: 0, failing: 0, healthyInRotation: 0 };

function inBase(member: FleetMember): boolean {
  return (
    member.phase === 'active' &&
    (member.traffic === 'in-rotation' || (member.traffic === 'isolated' && member.probe === 'failing'))
  );
}

/** The counts of a set of stamps (one region's, as its ledger lists them). */
export function countsOf(members: Iterable<FleetMember>): RegionCounts {
  let base = 0;
  let failing = 0;
  let healthyInRotation = 0;
  for (const member of members) {
    if (!inBase(member)) continue;
    base += 1;
    if (member.probe === 'failing') failing += 1;
    else if (member.traffic === 'in-rotation') healthyInRotation += 1;
  }
  return { base, failing, healthyInRotation };
}

/** The counts of every region that has stamps, from the members of a whole fleet. */
export function countsByRegion(members: readonly FleetMember[]): Record<string, RegionCounts> {
  const byRegion = new Map<string, FleetMember[]>();
  for (const member of members) byRegion.set(member.region, [...(byRegion.get(member.region) ?? []), member]);
  return Object.fromEntries([...byRegion].map(([region, list]) => [region, countsOf(list)]));
}

export function sameCounts(a: RegionCounts | undefined, b: RegionCounts | undefined): boolean {
  const x = a ?? NO_STAMPS;
  const y = b ?? NO_STAMPS;
  return x.base === y.base && x.failing === y.failing && x.healthyInRotation === y.healthyInRotation;
}
