import type { FleetMember } from '../fleet';
import type { GuardView } from '../guardView';
import type { LifecyclePolicy } from '../policy';
import { countsOf } from '../regionCounts';

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
 * failing stamp itself is counted as failing whatever the (possibly stale) view says. Its own
 * region is counted from the view's members (its ledger, claimed by the decision), every other
 * region from the view's counts (the fleet summary). A region outage needs at least two stamps in
 * the failing region (one failing stamp alone is a stamp failure) and a healthy stamp in
 * rotation elsewhere to move its traffic to.
 */
export function assessHealthFailure(
  failing: FleetMember,
  view: GuardView,
  policy: LifecyclePolicy,
): HealthAssessment {
  const region = failing.region;
  const own = countsOf([
    ...view.members.filter((member) => member.region === region && member.id !== failing.id),
    { ...failing, probe: 'failing' as const },
  ]);
  const regions = { ...view.counts, [region]: own };
  let base = 0;
  let failingCount = 0;
  let healthyElsewhere = 0;
  let failingRegions = 0;
  for (const [name, counts] of Object.entries(regions)) {
    base += counts.base;
    failingCount += counts.failing;
    if (counts.failing > 0) failingRegions += 1;
    if (name !== region) healthyElsewhere += counts.healthyInRotation;
  }

  if (failingRegions === 1 && own.base >= 2 && own.failing === own.base && healthyElsewhere > 0) {
    return {
      kind: 'region-outage',
      region,
      detail: `all ${own.base} stamps of ${region} are failing while other regions are healthy`,
    };
  }

  const percent = (failingCount * 100) / base;
  if (percent > policy.maxUnhealthyPercent) {
    return {
      kind: 'blast-radius',
      detail:
        `${failingCount} of ${base} stamps (${percent.toFixed(0)}%) across ` +
        `${failingRegions} region(s) are failing health probes, above maxUnhealthyPercent ` +
        `${policy.maxUnhealthyPercent}%: this looks like a probe or shared-dependency fault, so automation ` +
        `isolates nothing and raises an incident`,
    };
  }
  return { kind: 'stamp-failure' };
}
