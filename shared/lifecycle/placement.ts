import type { FleetView } from './fleet';
import { holdsCapacity } from './phase';
import type { LifecyclePolicy, RegionPolicy } from './policy';

export interface PlacementRequest {
  /** The region asked for; absent means "the first region by priority with capacity". */
  readonly region?: string;
  /** May the stamp go to the next region by priority when the asked one is full? */
  readonly allowOtherRegions: boolean;
  /** Set for a replacement of an isolated stamp: it may exceed the max by the surge. */
  readonly replacement?: { readonly excludeRegions: readonly string[] };
}

export type Placement =
  | { readonly kind: 'placed'; readonly region: RegionPolicy; readonly surge: boolean }
  | { readonly kind: 'unknown-region'; readonly reason: string }
  | { readonly kind: 'no-capacity'; readonly reason: string };

/** Stamps holding capacity (provisioning, registering, active, draining) per region. */
export function capacityCounts(fleet: FleetView): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of fleet.members) {
    if (holdsCapacity(member.phase)) counts.set(member.region, (counts.get(member.region) ?? 0) + 1);
  }
  return counts;
}

/**
 * Guard 3, capacity: chooses a region for a new stamp. The asked region if it has room;
 * otherwise, only when allowed, the next region by priority. A replacement may go past a
 * region's max by `replacementSurgePerRegion`, and past the total by that surge for each
 * region, because the stamp it replaces still holds a slot until it is drained.
 *
 * @example
 * placeStamp({ region: 'eastus', allowOtherRegions: true }, fleet, policy)
 * // → { kind: 'placed', region: { name: 'southeastasia', ... }, surge: false } when eastus is full
 */
export function placeStamp(request: PlacementRequest, fleet: FleetView, policy: LifecyclePolicy): Placement {
  const byPriority = [...policy.regions].sort((a, b) => a.priority - b.priority);
  const asked = request.region === undefined ? undefined : byPriority.find((r) => r.name === request.region);
  if (request.region !== undefined && asked === undefined) {
    return {
      kind: 'unknown-region',
      reason: `unknown region '${request.region}'; configured regions are ${byPriority.map((r) => r.name).join(', ')}`,
    };
  }

  const excluded = new Set(request.replacement?.excludeRegions ?? []);
  const candidates =
    asked === undefined
      ? byPriority
      : request.allowOtherRegions
        ? [asked, ...byPriority.filter((r) => r !== asked)]
        : [asked];

  const counts = capacityCounts(fleet);
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const surge = request.replacement === undefined ? 0 : policy.replacementSurgePerRegion;
  const totalLimit = policy.totalMax + surge * policy.regions.length;

  if (total >= totalLimit) {
    return {
      kind: 'no-capacity',
      reason: `the fleet holds ${total} stamps, the total maximum is ${totalLimit}; retire a stamp first`,
    };
  }
  for (const region of candidates) {
    if (excluded.has(region.name)) continue;
    const used = counts.get(region.name) ?? 0;
    if (used < region.max) return { kind: 'placed', region, surge: false };
    if (used < region.max + surge) return { kind: 'placed', region, surge: true };
  }

  const tried = candidates
    .filter((r) => !excluded.has(r.name))
    .map((r) => `${r.name} ${counts.get(r.name) ?? 0}/${r.max}${surge > 0 ? ` (+${surge} surge)` : ''}`)
    .join(', ');
  const hint =
    asked !== undefined && !request.allowOtherRegions
      ? '; set allowOtherRegions to place it in the next region by priority'
      : '';
  return {
    kind: 'no-capacity',
    reason: `no region has capacity: ${tried === '' ? 'every region is excluded' : tried}${hint}`,
  };
}
