import { z } from 'zod';

import { PHASES, TRAFFIC_STATES } from './phase';
import type { Stamp } from './stamp';

/**
 * What the guards need to know about one stamp of the fleet. The capacity ledger keeps one of
 * these per live stamp, so a guard reads a few small documents instead of querying the fleet.
 */
export const fleetMemberSchema = z.object({
  id: z.string().min(1),
  region: z.string().min(1),
  phase: z.enum(PHASES),
  traffic: z.enum(TRAFFIC_STATES),
  probe: z.enum(['healthy', 'failing']),
  replacementFor: z.string().optional(),
});
export type FleetMember = z.infer<typeof fleetMemberSchema>;

/** The live fleet as the guards see it: every stamp not yet archived or purged. */
export interface FleetView {
  readonly members: readonly FleetMember[];
}

export function fleetOf(members: readonly FleetMember[]): FleetView {
  return { members };
}

/** The stamp as a fleet member, for guards that must see it in its current state. */
export function memberOf(stamp: Stamp): FleetMember {
  return {
    id: stamp.id,
    region: stamp.region,
    phase: stamp.phase,
    traffic: stamp.traffic,
    probe: stamp.health.probe,
    ...(stamp.replacementFor === undefined ? {} : { replacementFor: stamp.replacementFor }),
  };
}
