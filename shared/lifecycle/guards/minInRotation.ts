import type { FleetView } from '../fleet';
import type { LifecyclePolicy } from '../policy';
import { fail, type GuardResult, PASS } from './guardResult';

/**
 * Guard 1: taking `stampId` out of rotation must leave its region at least
 * `minInRotationPerRegion` stamps in rotation. A replacement that is already active counts like
 * any other stamp in rotation, which is how "unless a replacement is active first" is met.
 */
export function checkMinInRotation(
  stampId: string,
  region: string,
  fleet: FleetView,
  policy: LifecyclePolicy,
): GuardResult {
  const others = fleet.members.filter(
    (member) =>
      member.region === region &&
      member.id !== stampId &&
      member.phase === 'active' &&
      member.traffic === 'in-rotation',
  );
  if (others.length >= policy.minInRotationPerRegion) return PASS;
  return fail(
    'min-in-rotation',
    `taking ${stampId} out of rotation would leave ${region} with ${others.length} stamp(s) in rotation, ` +
      `below the minimum of ${policy.minInRotationPerRegion}; a replacement must be active first ` +
      `(an operator may override with a reason)`,
  );
}
