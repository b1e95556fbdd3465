import type { FleetMember, FleetView } from '../fleet';
import type { LifecyclePolicy } from '../policy';

/**
 * What a health-probe failure of one stamp means once the rest of the fleet is considered
 * (guard 2). Front Door fails open, so isolating many stamps at once makes an outage worse.
 */
export type HealthAssessment =
  | { readonly kind: 'stamp-failure' }
  | { readonly kind: 'region-outage'; readonly region: string; readonly detail: string }
  | { readonly kind: 'blast-radius'; readonly detail: string };

/**
 * The base is every active stamp that is in rotation or was taken out by a failing probe; the
 * failing stamp itself is counted as failing whatever the (possibly stale) fleet view says.
 * A region outage needs at least two stamps in the failing region (one failing stamp alone is
 * a stamp failure) and a healthy stamp in rotation elsewhere to move its traffic to.
 */
export function assessHealthFailure(
  failing: FleetMember,
  fleet: FleetView,
  policy: LifecyclePolicy,
): HealthAssessment {
  const members = [
    ...fleet.members.filter((member) => member.id !== failing.id),
    { ...failing, probe: 'failing' as const },
  ];
  const base = members.filter(
    (member) =>
      member.phase === 'active' &&
      (member.traffic === 'in-rotation' || (member.traffic === 'isolated' && member.probe === 'failing')),
  );
  const failingMembers = base.filter((member) => member.probe === 'failing');
  const failingRegions = new Set(failingMembers.map((member) => member.region));

  if (failingRegions.size === 1) {
    const region = failing.region;
    const regionBase = base.filter((member) => member.region === region);
    const healthyElsewhere = base.some(
      (member) => member.region !== region && member.traffic === 'in-rotation' && member.probe === 'healthy',
    );
    if (
      regionBase.length >= 2 &&
      regionBase.every((member) => member.probe === 'failing') &&
      healthyElsewhere
    ) {
      return {
        kind: 'region-outage',
        region,
        detail: `all ${regionBase.length} stamps of ${region} are failing while other regions are healthy`,
      };
    }
  }

  const percent = (failingMembers.length * 100) / base.length;
  if (percent > policy.maxUnhealthyPercent) {
    return {
      kind: 'blast-radius',
      detail:
        `${failingMembers.length} of ${base.length} stamps (${percent.toFixed(0)}%) across ` +
        `${failingRegions.size} region(s) are failing health probes, above maxUnhealthyPercent ` +
        `${policy.maxUnhealthyPercent}%: this looks like a probe or shared-dependency fault, so automation ` +
        `isolates nothing and raises an incident`,
    };
  }
  return { kind: 'stamp-failure' };
}
