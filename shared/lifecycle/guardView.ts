import type { FleetMember, FleetView } from './fleet';
import { countsByRegion, type RegionCounts } from './regionCounts';

/**
 * What the guards of one stamp's decision see: every live stamp of its region (from the region's
 * ledger; a view of the whole fleet is a valid view too) and the blast-radius counts of every
 * region (from the fleet summary). The guards of one stamp need no other stamp's details than its
 * region's, so a decision reads two small documents whatever the size of the fleet
 * (docs/architecture.md §18).
 */
export interface GuardView extends FleetView {
  readonly counts: Readonly<Record<string, RegionCounts>>;
}

/** The guard view of a whole fleet: its members, and the counts taken from them. */
export function guardViewOf(members: readonly FleetMember[]): GuardView {
  return { members, counts: countsByRegion(members) };
}
