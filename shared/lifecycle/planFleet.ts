import { type FleetMember, serves } from './fleet';
import { holdsCapacity } from './phase';
import type { LifecyclePolicy, RegionPolicy } from './policy';
import { addMinutes, isAtOrAfter } from './time';

/**
 * The fleet reconciler's pure plan: from the desired stamp count of each region and the fleet as
 * observed, the actions that move the fleet towards it, like a Kubernetes controller (Cluster
 * API's MachineSet) and unlike event-by-event replacement bookkeeping.
 *
 * A stamp **serves** its region's desired count as `serves` (fleet.ts) says: being built, or
 * active and in rotation (unless the minimum-in-rotation guard holds its isolation until a
 * replacement serves). Isolated, draining, failed and later stamps do not: they are on their way
 * out, so their region has a deficit, and a rejoined stamp makes a surplus that the plan retires.
 */

/** Why a region cannot take new stamps right now (computed by the caller from what it observes). */
export interface RegionUnavailable {
  readonly reason: string;
}

export interface FleetPlanInput {
  /** Desired stamp count per region name (regions not named desire 0). */
  readonly desired: Readonly<Record<string, number>>;
  /** The live fleet (not archived or purged). */
  readonly members: readonly FleetMember[];
  /** Regions that cannot take a new stamp now (an outage, no quota left), with the reason. */
  readonly unavailable?: Readonly<Record<string, RegionUnavailable>>;
  /** Stamps each region's quota still allows (absent: not limited by quota). */
  readonly quotaLeft?: Readonly<Record<string, number>>;
  /** The time of the plan: a warm spare older than the policy's maximum age is refreshed (absent: none is). */
  readonly now?: string;
}

export type FleetAction =
  | {
      readonly kind: 'place';
      readonly region: string;
      /** The region whose deficit this stamp covers (itself, or a region that is out). */
      readonly coversFor: string;
      readonly reason: string;
      /** A warm spare for the region's pool, not a stamp of its desired count. */
      readonly spare?: true;
    }
  | {
      /** A ready warm spare goes into rotation instead of a new stamp being built. */
      readonly kind: 'promote';
      readonly stampId: string;
      readonly region: string;
      readonly coversFor: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'retire';
      readonly stampId: string;
      readonly region: string;
      readonly reason: string;
      /** A spare retired for its pool: it is drained only while it is still a spare on standby. */
      readonly spare?: true;
    }
  | { readonly kind: 'hold'; readonly region: string; readonly reason: string };

export interface RegionTally {
  readonly region: string;
  readonly desired: number;
  /** Stamps that serve the desired count (see the module comment). */
  readonly serving: number;
  /** Stamps holding a capacity slot (provisioning, registering, active, draining): the max applies to these. */
  readonly holding: number;
  readonly inRotation: number;
  /** Warm spares on standby (ready to promote) and being built. */
  readonly spares: { readonly ready: number; readonly building: number };
}

export interface FleetPlan {
  readonly actions: readonly FleetAction[];
  readonly tallies: readonly RegionTally[];
}

/**
 * Plans the actions that bring every region to its desired count, within the guards:
 * - a region's deficit is placed in the region itself while it can take stamps; while it is out
 *   (or its quota is spent) the deficit is placed in the other regions, by priority;
 * - no region ever holds more than `max + replacementSurgePerRegion` stamps, nor the fleet more
 *   than `totalMax` plus the surge of every region;
 * - a surplus (more serving than desired, beyond what covers a region that is out) is retired,
 *   least preferred first: a stamp still being built before one in service, the newest first, the
 *   lowest-priority region first; never a stamp whose retirement would leave its region below
 *   `minInRotationPerRegion` in rotation;
 * - what cannot be done is a `hold` with the reason.
 *
 * @example
 * planFleet({ desired: { westeurope: 4 }, members }, policy)
 * // → { actions: [{ kind: 'place', region: 'westeurope', coversFor: 'westeurope', ... }], tallies }
 */
export function planFleet(input: FleetPlanInput, policy: LifecyclePolicy): FleetPlan {
  const regions = [...policy.regions].sort((a, b) => a.priority - b.priority);
  const unavailable = { ...outages(input.members), ...input.unavailable };
  const actions: FleetAction[] = [];
  // Blast radius, as Cluster API's max-unhealthy short-circuit: when too much of the fleet fails
  // at once the cause is more likely the probes than the stamps, so failing stamps still in
  // rotation are not replaced (they keep counting, whatever guard holds them) until it passes.
  const inRotation = input.members.filter((m) => m.phase === 'active' && m.traffic === 'in-rotation');
  const failing = inRotation.filter((m) => m.probe === 'failing').length;
  const storm = failing > 0 && failing * 100 > policy.maxUnhealthyPercent * inRotation.length;
  if (storm) {
    actions.push({
      kind: 'hold',
      region: '*',
      reason: `${failing} of ${inRotation.length} stamps in rotation fail (over ${policy.maxUnhealthyPercent}%): failing stamps are not replaced until that passes`,
    });
  }
  const counts = (m: FleetMember): boolean =>
    serves(m) || (storm && m.phase === 'active' && m.traffic === 'in-rotation');
  const tallies = regions.map((r) => tally(r, input, counts));
  const byName = new Map(tallies.map((t) => [t.region, { ...t }]));
  const quotaLeft = new Map(Object.entries(input.quotaLeft ?? {}));
  const surge = policy.replacementSurgePerRegion;
  const totalLimit = policy.totalMax + surge * regions.length;
  let totalHolding = tallies.reduce((sum, t) => sum + t.holding, 0);

  /**
   * Why `region` cannot take one more stamp now, or undefined when it can. A spare may use the
   * surge only for stamps on their way out (what the surge is for: isolated, draining, failed
   * stamps, and the spares it refreshes or replaces), never to sit above the max.
   */
  const blocked = (region: RegionPolicy, spareOutgoing?: number): string | undefined => {
    const out = unavailable[region.name];
    if (out !== undefined) return out.reason;
    const t = byName.get(region.name);
    const regionSurge =
      spareOutgoing === undefined
        ? surge
        : Math.min(surge, leavingOf(input.members, region.name) + spareOutgoing);
    if (t !== undefined && t.holding >= region.max + regionSurge)
      return `${region.name} holds ${t.holding} stamps, its maximum is ${region.max} (+${regionSurge} surge)`;
    const quota = quotaLeft.get(region.name);
    if (quota !== undefined && quota <= 0)
      return `${region.name} has no quota left for another stamp (retired stamps keep theirs until purged; raise the quota or purge)`;
    if (totalHolding >= totalLimit)
      return `the fleet holds ${totalHolding} stamps, its maximum is ${totalLimit} (with surge)`;
    return undefined;
  };
  // Ready spares per region, the freshest first: promoting the newest leaves the oldest to be refreshed.
  const readySpares = new Map<string, FleetMember[]>();
  for (const m of [...input.members].sort((a, b) => (b.spareSince ?? '').localeCompare(a.spareSince ?? '')))
    if (isReadySpare(m)) readySpares.set(m.region, [...(readySpares.get(m.region) ?? []), m]);
  const promoted = new Set<string>();
  /** Promotes a ready spare of `region` to cover `coversFor`; false when it has none (or is out). */
  const promote = (region: RegionPolicy, coversFor: string, reason: string): boolean => {
    if (unavailable[region.name] !== undefined) return false;
    const spare = readySpares.get(region.name)?.shift();
    if (spare === undefined) return false;
    promoted.add(spare.id);
    actions.push({ kind: 'promote', stampId: spare.id, region: region.name, coversFor, reason });
    const t = byName.get(region.name);
    if (t !== undefined)
      byName.set(region.name, { ...t, serving: t.serving + 1, inRotation: t.inRotation + 1 });
    return true;
  };
  const take = (region: RegionPolicy, spare?: true): void => {
    const t = byName.get(region.name);
    if (t !== undefined)
      byName.set(region.name, { ...t, serving: t.serving + (spare ? 0 : 1), holding: t.holding + 1 });
    const quota = quotaLeft.get(region.name);
    if (quota !== undefined) quotaLeft.set(region.name, quota - 1);
    totalHolding += 1;
  };

  // 1. Each region's deficit, at home while it can take stamps.
  const uncovered = new Map<string, number>();
  for (const region of regions) {
    const t = byName.get(region.name);
    if (t === undefined) continue;
    let deficit = t.desired - t.serving;
    while (deficit > 0) {
      if (
        promote(region, region.name, `${region.name} serves ${t.desired - deficit} of ${t.desired} desired`)
      ) {
        deficit -= 1;
        continue;
      }
      const why = blocked(region);
      if (why !== undefined) {
        uncovered.set(region.name, deficit);
        break;
      }
      actions.push({
        kind: 'place',
        region: region.name,
        coversFor: region.name,
        reason: `${region.name} serves ${t.desired - deficit} of ${t.desired} desired`,
      });
      take(region);
      deficit -= 1;
    }
  }

  // 2. What a region cannot take goes to the others, by priority; stamps already serving above
  //    their own region's desired cover it first.
  let surplusCover = 0;
  for (const region of regions) {
    const t = byName.get(region.name);
    if (t !== undefined && unavailable[region.name] === undefined)
      surplusCover += Math.max(0, t.serving - t.desired);
  }
  for (const [home, missing] of uncovered) {
    let deficit = missing;
    const covered = Math.min(surplusCover, deficit);
    surplusCover -= covered;
    deficit -= covered;
    const homeWhy = blocked(regionOf(regions, home)) ?? 'it cannot take stamps';
    for (const region of regions) {
      if (deficit === 0) break;
      if (region.name === home) continue;
      while (
        deficit > 0 &&
        promote(
          region,
          home,
          `${home} is short of ${deficit} (${homeWhy}); a spare of ${region.name} covers it`,
        )
      )
        deficit -= 1;
      while (deficit > 0 && blocked(region) === undefined) {
        actions.push({
          kind: 'place',
          region: region.name,
          coversFor: home,
          reason: `${home} is short of ${deficit} (${homeWhy}); ${region.name} covers it`,
        });
        take(region);
        deficit -= 1;
      }
    }
    if (deficit > 0) {
      actions.push({
        kind: 'hold',
        region: home,
        reason: `${home} is short of ${deficit} stamp(s): ${homeWhy}; no other region can take them`,
      });
    }
  }

  // 3. A surplus beyond what covers the regions still short is retired, least preferred first.
  const stillShort = [...byName.values()].reduce((sum, t) => sum + Math.max(0, t.desired - t.serving), 0);
  let surplusTotal = 0;
  for (const t of byName.values())
    if (unavailable[t.region] === undefined) surplusTotal += Math.max(0, t.serving - t.desired);
  let toRetire = Math.max(0, surplusTotal - stillShort);
  // A stamp in service is given back only once nothing is being built: capacity never dips while
  // the stamps meant to take over are still on their way. A stamp being built is never cancelled
  // (a half-made deployment leaves half-made resources); it is retired once it serves.
  const building = input.members.filter(
    (m) => (m.phase === 'provisioning' || m.phase === 'registering') && m.spareSince === undefined,
  );
  const placing = actions.some((a) => a.kind === 'place');
  for (const region of [...regions].reverse()) {
    if (toRetire === 0) break;
    const t = byName.get(region.name);
    if (t === undefined || unavailable[region.name] !== undefined) continue;
    let surplus = Math.min(toRetire, t.serving - t.desired);
    if (surplus <= 0) continue;
    if (placing || building.length > 0) {
      const waitingFor = building.map((m) => m.id).join(', ') || 'the stamps placed now';
      actions.push({
        kind: 'hold',
        region: region.name,
        reason: `${region.name} serves ${t.serving} of ${t.desired} desired; the surplus is retired once ${waitingFor} serve`,
      });
      continue;
    }
    let rotating = t.inRotation;
    for (const member of retirementOrder(input.members, region.name, counts)) {
      if (surplus <= 0) break;
      if (rotating - 1 < policy.minInRotationPerRegion) {
        actions.push({
          kind: 'hold',
          region: region.name,
          reason: `${region.name} has a surplus, but retiring ${member.id} would leave it below ${policy.minInRotationPerRegion} in rotation`,
        });
        break;
      }
      actions.push({
        kind: 'retire',
        stampId: member.id,
        region: region.name,
        reason: `${region.name} serves ${t.serving} of ${t.desired} desired`,
      });
      rotating -= 1;
      surplus -= 1;
      toRetire -= 1;
    }
  }

  // 4. Each region's pool of warm spares: refilled behind a promotion, refreshed past its age.
  for (const region of regions) {
    if (unavailable[region.name] !== undefined) continue;
    planSpares(region, input, policy, { promoted, storm }, blocked, take, actions);
  }
  return { actions, tallies };
}

/** Stamps of the region that hold a slot on their way out: isolated, draining, failed ones. */
function leavingOf(members: readonly FleetMember[], region: string): number {
  return members.filter(
    (m) => m.region === region && holdsCapacity(m.phase) && m.spareSince === undefined && !serves(m),
  ).length;
}

/** Active on standby with a healthy probe: can be promoted now. */
function isReadySpare(m: FleetMember): boolean {
  return (
    m.spareSince !== undefined &&
    m.promotingSince === undefined &&
    m.phase === 'active' &&
    m.traffic === 'standby' &&
    m.probe === 'healthy'
  );
}

/**
 * A region's spare pool: spares missing from `spares.perRegion` (counting the fresh ones, ready
 * or being built) are placed; a spare past `spares.maxAgeHours` is retired once a fresh one is
 * ready to stand in for it (or when no fresh one can be placed: its slot is what the refill
 * needs); spares beyond the pool's size are retired, the oldest first; a spare whose probe fails
 * is retired and replaced.
 */
function planSpares(
  region: RegionPolicy,
  input: FleetPlanInput,
  policy: LifecyclePolicy,
  seen: { readonly promoted: ReadonlySet<string>; readonly storm: boolean },
  blocked: (region: RegionPolicy, spareOutgoing?: number) => string | undefined,
  take: (region: RegionPolicy, spare: true) => void,
  actions: FleetAction[],
): void {
  const target = policy.spares.perRegion;
  const pool = input.members
    .filter(
      (m) =>
        m.region === region.name &&
        m.spareSince !== undefined &&
        !seen.promoted.has(m.id) &&
        m.promotingSince === undefined &&
        (m.phase === 'provisioning' ||
          m.phase === 'registering' ||
          (m.phase === 'active' && m.traffic === 'standby' && m.probe === 'healthy')),
    )
    .sort((a, b) => (a.spareSince ?? '').localeCompare(b.spareSince ?? ''));
  const stale = (m: FleetMember): boolean =>
    input.now !== undefined &&
    m.phase === 'active' &&
    isAtOrAfter(input.now, addMinutes(m.spareSince ?? input.now, policy.spares.maxAgeHours * 60));
  const fresh = pool.filter((m) => !stale(m));
  const failing = input.members.filter(
    (m) =>
      m.region === region.name &&
      m.spareSince !== undefined &&
      m.promotingSince === undefined &&
      m.traffic === 'standby' &&
      m.probe === 'failing',
  );
  // The spares this pool lets go: their slots are what a fresh one takes.
  const outgoing = pool.length - fresh.length + (seen.storm ? 0 : failing.length);
  let refillBlocked = false;
  for (let missing = target - fresh.length; missing > 0; missing -= 1) {
    const why = blocked(region, outgoing);
    if (why !== undefined) {
      refillBlocked = true;
      actions.push({
        kind: 'hold',
        region: region.name,
        reason: `${region.name} keeps ${target - missing} of ${target} spare(s): ${why}`,
      });
      break;
    }
    actions.push({
      kind: 'place',
      region: region.name,
      coversFor: region.name,
      spare: true,
      reason: `${region.name} keeps ${target - missing} of ${target} spare(s)`,
    });
    take(region, true);
  }
  const freshReady = fresh.filter(isReadySpare).length;
  for (const old of pool.filter(stale))
    if (freshReady >= target || refillBlocked)
      actions.push({
        kind: 'retire',
        spare: true,
        stampId: old.id,
        region: region.name,
        reason: `spare since ${old.spareSince ?? '?'}, older than ${policy.spares.maxAgeHours} h: refreshed`,
      });
  // A spare whose probe fails is no spare: it is replaced (not while the blast-radius guard sees
  // a storm, which says the probes are more likely wrong than the stamps).
  if (!seen.storm)
    for (const m of failing)
      actions.push({
        kind: 'retire',
        spare: true,
        stampId: m.id,
        region: region.name,
        reason: `spare ${m.id} fails its health probe: replaced`,
      });
  const extra = fresh.filter((m) => m.phase === 'active').slice(0, Math.max(0, fresh.length - target));
  for (const m of extra)
    actions.push({
      kind: 'retire',
      spare: true,
      stampId: m.id,
      region: region.name,
      reason: `${region.name} keeps ${target} spare(s); ${fresh.length} are there`,
    });
}

function tally(
  region: RegionPolicy,
  input: FleetPlanInput,
  counts: (m: FleetMember) => boolean,
): RegionTally {
  const members = input.members.filter((m) => m.region === region.name);
  return {
    region: region.name,
    desired: Math.max(0, Math.floor(input.desired[region.name] ?? 0)),
    serving: members.filter(counts).length,
    holding: members.filter((m) => holdsCapacity(m.phase)).length,
    inRotation: members.filter((m) => m.phase === 'active' && m.traffic === 'in-rotation').length,
    spares: {
      ready: members.filter(isReadySpare).length,
      building: members.filter(
        (m) => m.spareSince !== undefined && (m.phase === 'provisioning' || m.phase === 'registering'),
      ).length,
    },
  };
}

/**
 * A region whose stamps the blast-radius guard isolated as a region outage, and that still fail:
 * no new stamp goes there until they recover or leave (a deployment there fails too).
 */
function outages(members: readonly FleetMember[]): Record<string, RegionUnavailable> {
  const out: Record<string, RegionUnavailable> = {};
  for (const m of members) {
    if (m.phase === 'active' && m.isolatedBy === 'region-outage' && m.probe === 'failing')
      out[m.region] = { reason: `${m.region} is out (its stamps were isolated by a region outage)` };
  }
  return out;
}

function regionOf(regions: readonly RegionPolicy[], name: string): RegionPolicy {
  const found = regions.find((r) => r.name === name);
  if (found === undefined) throw new Error(`planFleet: region ${name} is not in the policy`);
  return found;
}

/**
 * The order a surplus is retired in: among the region's stamps in service, a failing one first
 * (it serves least), then the newest (highest sequence number): the one that was added last to
 * cover a gap is the one given back.
 */
export function retirementOrder(
  members: readonly FleetMember[],
  region: string,
  counts: (m: FleetMember) => boolean = serves,
): FleetMember[] {
  return members
    .filter((m) => m.region === region && m.phase === 'active' && m.spareSince === undefined && counts(m))
    .sort(
      (a, b) =>
        Number(b.probe === 'failing') - Number(a.probe === 'failing') || sequenceOf(b) - sequenceOf(a),
    );
}

function sequenceOf(member: FleetMember): number {
  const match = /-(\d+)$/.exec(member.id);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}
