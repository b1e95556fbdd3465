import { isLive } from '../../../shared/app/fleet';
import type { Services } from '../../../shared/app/services';
import { serves } from '../../../shared/lifecycle/fleet';
import { holdsCapacity } from '../../../shared/lifecycle/phase';
import { FULL_ORIGIN_WEIGHT } from '../../../shared/lifecycle/ramp';
import { countsOf, NO_STAMPS, sameCounts } from '../../../shared/lifecycle/regionCounts';
import { effectiveDesired } from '../../../shared/lifecycle/regionDesired';
import type { Stamp } from '../../../shared/lifecycle/stamp';
import { addMinutes, isBefore } from '../../../shared/lifecycle/time';
import type { SimulatedOrigin } from '../../../shared/local/sim/simulationControl';

/** The fleet as stored, read through the real store (no injected fault touches these reads). */
export interface FleetSnapshot {
  readonly stamps: readonly Stamp[];
  readonly inRotation: ReadonlyMap<string, ReadonlySet<string>>;
}

export async function snapshot(svc: Services): Promise<FleetSnapshot> {
  const stamps = await svc.store.list();
  const inRotation = new Map<string, Set<string>>();
  for (const region of svc.config.policy.regions) inRotation.set(region.name, new Set());
  for (const s of stamps)
    if (s.phase === 'active' && s.traffic === 'in-rotation') inRotation.get(s.region)?.add(s.id);
  return { stamps, inRotation };
}

/**
 * What must hold after every step, whatever was injected:
 * - no region holds more than max + surge stamps, nor the fleet more than its total + surge;
 * - automation never takes a region below its minimum in rotation: a stamp that left rotation
 *   while its region went below the minimum left by an operator's override or a region outage;
 * - every stamp's audit log is gap-free, chained, and ends in the stamp's phase;
 * - a warm spare on standby never has its Front Door origin enabled (it takes no user).
 */
export async function checkStep(
  svc: Services,
  before: FleetSnapshot,
  after: FleetSnapshot,
  checkAudit: boolean,
  origins: readonly SimulatedOrigin[],
): Promise<string[]> {
  const { policy } = svc.config;
  const problems: string[] = [];
  for (const s of after.stamps)
    if (s.traffic === 'standby' && origins.find((o) => o.stampId === s.id)?.enabledState === 'Enabled')
      problems.push(`${s.id} is a spare on standby, but its origin is enabled`);
  const surge = policy.replacementSurgePerRegion;
  const live = after.stamps.filter(isLive);
  const total = live.filter((s) => holdsCapacity(s.phase)).length;
  if (total > policy.totalMax + surge * policy.regions.length)
    problems.push(`the fleet holds ${total} stamps, over ${policy.totalMax} + surge`);
  for (const region of policy.regions) {
    const held = live.filter((s) => s.region === region.name && holdsCapacity(s.phase)).length;
    if (held > region.max + surge)
      problems.push(`${region.name} holds ${held}, over ${region.max} + ${surge}`);
    const now = after.inRotation.get(region.name)?.size ?? 0;
    const was = before.inRotation.get(region.name) ?? new Set<string>();
    if (now >= policy.minInRotationPerRegion || now >= was.size) continue;
    for (const id of was) {
      if (after.inRotation.get(region.name)?.has(id) === true) continue;
      const stamp = after.stamps.find((s) => s.id === id);
      if (stamp === undefined) continue;
      // The record that took it out of rotation says why (the stamp may have moved on since).
      const left = (await svc.store.history(id)).filter((h) => h.traffic?.from === 'in-rotation').at(-1);
      const overridden = left?.cause.overriddenGuard !== undefined;
      const outage = stamp.isolation?.by === 'region-outage';
      if (!overridden && !outage)
        problems.push(
          `${region.name} fell to ${now} in rotation when ${id} left (now ${stamp.phase}/${stamp.traffic}; left by ${left?.cause.kind ?? '?'}: ${left?.cause.reason ?? '?'})`,
        );
    }
  }
  if (checkAudit) problems.push(...(await auditProblems(svc, after.stamps)));
  return problems;
}

async function auditProblems(svc: Services, stamps: readonly Stamp[]): Promise<string[]> {
  const problems: string[] = [];
  for (const stamp of stamps) {
    const history = await svc.store.history(stamp.id);
    const seqs = history.map((h) => h.seq).join(',');
    const expected = Array.from({ length: stamp.auditSeq }, (_, i) => i + 1).join(',');
    if (seqs !== expected) problems.push(`${stamp.id}: audit ${seqs} is not 1..${stamp.auditSeq}`);
    if (history.at(-1)?.to !== stamp.phase)
      problems.push(
        `${stamp.id}: last audit record says ${history.at(-1)?.to ?? '-'}, the stamp is ${stamp.phase}`,
      );
    for (let i = 1; i < history.length; i += 1)
      if (history[i]?.from !== history[i - 1]?.to)
        problems.push(`${stamp.id}: audit chain broken at ${i + 1}`);
  }
  return problems;
}

/**
 * After the faults stop and the bound has passed: every region serves its desired count, unless
 * its quota is spent, and then the rest of the fleet covers it; nothing is still being built, or
 * failed past its clean-up time; every region's spare pool is full where its max and quota leave
 * room (a fresh spare being built to refresh an old one is not a fault); and Front Door agrees
 * with the control plane: every stamp in rotation has its origin enabled at its ramp step's
 * weight (full once the ramp is over), every spare's origin is disabled.
 */
export async function convergenceProblems(
  svc: Services,
  now: string,
  origins: readonly SimulatedOrigin[],
): Promise<string[]> {
  const { policy } = svc.config;
  const problems: string[] = [];
  const stamps = (await svc.store.list()).filter(isLive);
  const members = stamps.map((s) => ({
    id: s.id,
    region: s.region,
    phase: s.phase,
    traffic: s.traffic,
    probe: s.health.probe,
    ...(s.health.heldBy === undefined ? {} : { heldBy: s.health.heldBy }),
  }));
  let short = 0;
  let extra = 0;
  for (const region of policy.regions) {
    const ledger = (await svc.store.getLedger(region.name))?.ledger;
    const desired = effectiveDesired(policy, region.name, ledger?.desired);
    const serving = members.filter((m) => m.region === region.name && serves(m)).length;
    const quota = await svc.deployer.remainingStampQuota(region.name);
    // Only quota excuses a short region: a block lasts at most 30 minutes, inside the bound.
    const limited = quota === 0;
    if (serving < desired) {
      short += desired - serving;
      if (!limited) problems.push(`${region.name} serves ${serving} of ${desired} and nothing limits it`);
    }
    if (serving > desired) extra += serving - desired;
    const ready = stamps.filter((s) => s.region === region.name && s.traffic === 'standby').length;
    const max = policy.regions.find((r) => r.name === region.name)?.max ?? 0;
    if (ready < policy.spares.perRegion && desired + policy.spares.perRegion <= max && !limited)
      problems.push(
        `${region.name} has ${ready} of ${policy.spares.perRegion} spares ready and nothing limits it`,
      );
  }
  for (const s of stamps) {
    const origin = origins.find((o) => o.stampId === s.id);
    if (s.phase === 'active' && s.traffic === 'in-rotation') {
      const weight = s.ramp?.weight ?? FULL_ORIGIN_WEIGHT;
      if (origin?.enabledState !== 'Enabled' || origin.weight !== weight)
        problems.push(
          `${s.id} is in rotation at weight ${weight}, Front Door has it ${origin === undefined ? 'missing' : `${origin.enabledState} at ${origin.weight}`}`,
        );
    }
  }
  if (extra > short)
    problems.push(`the fleet serves ${extra} above desired, more than the ${short} it covers`);
  // The blast-radius guard reads the fleet summary: once the sweep has run it counts what is live.
  const summary = (await svc.store.getFleetSummary()).regions;
  for (const region of policy.regions) {
    const counted = summary[region.name] ?? NO_STAMPS;
    const actual = countsOf(members.filter((m) => m.region === region.name));
    if (!sameCounts(counted, actual))
      problems.push(
        `the fleet summary counts ${region.name} as ${JSON.stringify(counted)}, its stamps are ${JSON.stringify(actual)}`,
      );
  }
  const refreshing = (s: Stamp): boolean =>
    s.spare !== undefined &&
    stamps.filter((o) => o.region === s.region && o.traffic === 'standby').length >= policy.spares.perRegion;
  for (const s of stamps) {
    if ((s.phase === 'provisioning' || s.phase === 'registering') && !refreshing(s))
      problems.push(`${s.id} is still ${s.phase} (since ${s.phaseSince})`);
    if (
      s.phase === 'failed' &&
      policy.failedCleanupMinutes > 0 &&
      isBefore(addMinutes(s.phaseSince, policy.failedCleanupMinutes + 30), now)
    )
      problems.push(`${s.id} is still failed (since ${s.phaseSince}), past its clean-up time`);
  }
  return problems;
}
