import type { FleetView } from './fleet';
import type { LifecyclePolicy } from './policy';
import { desiredBounds } from './regionDesired';
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
  | {
      readonly kind: 'set-desired';
      readonly direction: 'out' | 'in';
      readonly region: string;
      readonly desired: number;
      readonly reason: string;
    }
  | { readonly kind: 'hold'; readonly reason: string };

/**
 * Capacity alerts change the region's desired stamp count by one, within its bounds; the fleet
 * reconciler then places or retires the stamp. One change per region per cooldown, and no new
 * scale-out while a stamp of the region is still being built, so an alert storm cannot pile
 * stamps up.
 */
export function decideScaling(
  signal: CapacitySignal,
  fleet: FleetView,
  policy: LifecyclePolicy,
  now: string,
  history: ScaleHistory,
  desired: number,
): ScalePlan {
  const region = signal.region;
  const bounds = desiredBounds(policy, region);
  if (bounds === undefined) return { kind: 'hold', reason: `${region} is not a configured region` };
  if (signal.kind === 'CapacityHigh') {
    const cooling = cooldownUntil(history.lastScaleOutAt, policy);
    if (cooling !== undefined && isBefore(now, cooling)) {
      return { kind: 'hold', reason: `${region} scaled out recently; next scale-out after ${cooling}` };
    }
    const building = fleet.members.filter(
      (m) => m.region === region && (m.phase === 'provisioning' || m.phase === 'registering'),
    );
    if (building.length > 0) {
      return {
        kind: 'hold',
        reason: `${region} already has ${building.map((m) => m.id).join(', ')} on the way`,
      };
    }
    if (desired >= bounds.max)
      return { kind: 'hold', reason: `${region} already desires ${desired}, its maximum` };
    return {
      kind: 'set-desired',
      direction: 'out',
      region,
      desired: desired + 1,
      reason: `capacity high on ${signal.stampId}: desired ${desired} → ${desired + 1}`,
    };
  }

  const cooling = cooldownUntil(history.lastScaleInAt, policy);
  if (cooling !== undefined && isBefore(now, cooling)) {
    return { kind: 'hold', reason: `${region} scaled in recently; next scale-in after ${cooling}` };
  }
  if (desired <= bounds.min) {
    return {
      kind: 'hold',
      reason: `${region} already desires ${desired}, the minimum (at least ${bounds.min} in rotation)`,
    };
  }
  return {
    kind: 'set-desired',
    direction: 'in',
    region,
    desired: desired - 1,
    reason: `capacity low on ${signal.stampId}: desired ${desired} → ${desired - 1}`,
  };
}

function cooldownUntil(last: string | undefined, policy: LifecyclePolicy): string | undefined {
  return last === undefined ? undefined : addMinutes(last, policy.scaleCooldownMinutes);
}
