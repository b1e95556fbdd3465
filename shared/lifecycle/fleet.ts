import { z } from 'zod';

import { holdsCapacity, PHASES, TRAFFIC_STATES } from './phase';
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
  /** The guard holding back this failing stamp's isolation, while one does. */
  heldBy: z.enum(['blast-radius', 'min-in-rotation']).optional(),
  /** Who took the stamp out of rotation, while it is isolated. */
  isolatedBy: z.enum(['alert', 'operator', 'region-outage', 'canary']).optional(),
  /** When the stamp was asked for as a warm spare, while it is one (its age decides its refresh). */
  spareSince: z.iso.datetime({ offset: true }).optional(),
  /**
   * Set by the fleet reconciler on a spare whose promotion it queued (when): the spare then serves,
   * so a later run neither promotes another for the same vacancy nor retires it. The stamp's next
   * commit rewrites its entry without it (promoted, or the promotion refused).
   */
  promotingSince: z.iso.datetime({ offset: true }).optional(),
  /** Set while the stamp ramps up: it is not a peer for another stamp's canary comparison. */
  ramping: z.literal(true).optional(),
  /**
   * When a decision wrote this entry as its claim, before committing the stamp
   * (docs/architecture.md §18): the reconciliation sweep leaves a young claim alone instead of
   * undoing a commit that is still on its way.
   */
  claimedAt: z.iso.datetime({ offset: true }).optional(),
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
    ...(stamp.health.heldBy === undefined ? {} : { heldBy: stamp.health.heldBy }),
    ...(stamp.traffic !== 'isolated' || stamp.isolation === undefined
      ? {}
      : { isolatedBy: stamp.isolation.by }),
    ...(stamp.spare === undefined ? {} : { spareSince: stamp.spare.since }),
    ...(stamp.ramp === undefined ? {} : { ramping: true as const }),
  };
}

/**
 * Whether a stamp counts towards its region's desired stamp count: it is being built
 * (provisioning, registering) or active and in rotation. A failing stamp still in rotation
 * counts (its isolation is being decided, or the blast-radius guard holds it, in which case
 * replacing it would make a probe fault worse) unless the minimum-in-rotation guard holds its
 * isolation: then a replacement is what lets it go. Isolated, draining and later stamps do not.
 */
export function serves(member: FleetMember): boolean {
  // A spare serves once its promotion is queued, not before: it holds a slot, not desired capacity.
  if (member.spareSince !== undefined) return member.promotingSince !== undefined;
  if (member.phase === 'provisioning' || member.phase === 'registering') return true;
  return member.phase === 'active' && member.traffic === 'in-rotation' && member.heldBy !== 'min-in-rotation';
}

/**
 * Whether a change of this stamp changes what the fleet reconciler sees: whether it serves, holds
 * a capacity slot, is still being built (a surplus waits for that), has failed, is isolated by
 * a region outage, is a spare or became a ready one.
 */
export function changesFleetShape(before: FleetMember | undefined, after: FleetMember | undefined): boolean {
  const shape = (m: FleetMember | undefined): string =>
    m === undefined
      ? 'gone'
      : [
          serves(m),
          holdsCapacity(m.phase),
          m.phase === 'provisioning' || m.phase === 'registering',
          m.phase === 'failed',
          m.isolatedBy ?? '',
          m.spareSince ?? '',
          m.traffic === 'standby',
          // A spare's probe decides whether it can be promoted or must be replaced.
          m.spareSince === undefined ? '' : m.probe,
        ].join(':');
  return shape(before) !== shape(after);
}
