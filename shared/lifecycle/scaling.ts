import type { FleetMember, FleetView } from './fleet';
import { checkMinInRotation } from './guards/minInRotation';
import { placeStamp } from './placement';
import type { LifecyclePolicy } from './policy';
import { addMinutes, isBefore } from './time';

export interface CapacitySignal {
  readonly kind: 'CapacityHigh' | 'CapacityLow';
  readonly stampId: string;
  readonly region: string;
}

export interface ScaleHistory {
  readonly lastScaleOutAt?: string;
  readonly lastScaleInAt?: string;
}

export type ScalePlan =
  | { readonly kind: 'scale-out'; readonly region: string }
  | { readonly kind: 'scale-in'; readonly stampId: string }
  | { readonly kind: 'hold'; readonly reason: string };

/**
 * Capacity alerts → scale out (a new stamp in the region) or in (drain the newest stamp in
 * rotation). One action per region per cooldown, and no new scale-out while a stamp of the
 * region is still being built, so an alert storm cannot pile stamps up.
 */
export function decideScaling(
  signal: CapacitySignal,
  fleet: FleetView,
  policy: LifecyclePolicy,
  now: string,
  history: ScaleHistory,
): ScalePlan {
  const region = signal.region;
  const inRegion = fleet.members.filter((member) => member.region === region);
  if (signal.kind === 'CapacityHigh') {
    const cooling = cooldownUntil(history.lastScaleOutAt, policy);
    if (cooling !== undefined && isBefore(now, cooling)) {
      return { kind: 'hold', reason: `${region} scaled out recently; next scale-out after ${cooling}` };
    }
    const building = inRegion.filter((m) => m.phase === 'provisioning' || m.phase === 'registering');
    if (building.length > 0) {
      return {
        kind: 'hold',
        reason: `${region} already has ${building.map((m) => m.id).join(', ')} on the way`,
      };
    }
    const placement = placeStamp({ region, allowOtherRegions: false }, fleet, policy);
    if (placement.kind !== 'placed') return { kind: 'hold', reason: placement.reason };
    return { kind: 'scale-out', region };
  }

  const cooling = cooldownUntil(history.lastScaleInAt, policy);
  if (cooling !== undefined && isBefore(now, cooling)) {
    return { kind: 'hold', reason: `${region} scaled in recently; next scale-in after ${cooling}` };
  }
  const candidates = inRegion
    .filter((m) => m.phase === 'active' && m.traffic === 'in-rotation' && m.probe === 'healthy')
    .sort((a, b) => sequenceOf(b) - sequenceOf(a));
  const newest = candidates[0];
  if (newest === undefined)
    return { kind: 'hold', reason: `${region} has no healthy stamp in rotation to retire` };
  const guard = checkMinInRotation(newest.id, region, fleet, policy);
  if (!guard.ok) return { kind: 'hold', reason: guard.reason };
  return { kind: 'scale-in', stampId: newest.id };
}

function cooldownUntil(last: string | undefined, policy: LifecyclePolicy): string | undefined {
  return last === undefined ? undefined : addMinutes(last, policy.scaleCooldownMinutes);
}

/** Stamp ids end in a sequence number (`weu-012`); a higher one is newer. */
function sequenceOf(member: FleetMember): number {
  const match = /-(\d+)$/.exec(member.id);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}
