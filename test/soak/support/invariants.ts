import { isLive } from '../../../shared/app/fleet';
import type { Services } from '../../../shared/app/services';
import { serves } from '../../../shared/lifecycle/fleet';
import { holdsCapacity } from '../../../shared/lifecycle/phase';
import { effectiveDesired } from '../../../shared/lifecycle/regionDesired';
import type { Stamp } from '../../../shared/lifecycle/stamp';
import { addMinutes, isBefore } from '../../../shared/lifecycle/time';

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
 * - every stamp's audit log is gap-free, chained, and ends in the stamp's phase.
 */
export async function checkStep(
  svc: Services,
  before: FleetSnapshot,
  after: FleetSnapshot,
  checkAudit: boolean,
): Promise<string[]> {
  const { policy } = svc.config;
  const problems: string[] = [];
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
 * failed past its clean-up time.
 */
export async function convergenceProblems(svc: Services, now: string): Promise<string[]> {
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
  }
  if (extra > short)
    problems.push(`the fleet serves ${extra} above desired, more than the ${short} it covers`);
  for (const s of stamps) {
    if (s.phase === 'provisioning' || s.phase === 'registering')
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
