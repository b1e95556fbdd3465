import { stampConditions } from '../lifecycle/conditions';
import { type FleetMember, serves } from '../lifecycle/fleet';
import { holdsCapacity, type Phase, PHASES } from '../lifecycle/phase';
import { type LifecyclePolicy, regionPolicy } from '../lifecycle/policy';
import { isBlocked } from '../lifecycle/regionBlock';
import { desiredBounds, effectiveDesired } from '../lifecycle/regionDesired';
import type { AuditRecord, Stamp } from '../lifecycle/stamp';
import { waitingFor } from '../lifecycle/waitingFor';
import type { RegionLedger, StoredLedger } from '../ports/stampStore';
import type { ArchiveVerification } from './archive/verifyArchive';

/** A stamp as the API shows it (bookkeeping such as processed event ids stays inside). */
/** `now` computes the conditions (retention); the API passes the service clock's time. */
export function stampView(stamp: Stamp, now: string, policy: LifecyclePolicy): Record<string, unknown> {
  const waiting = waitingFor(stamp, policy);
  return {
    id: stamp.id,
    region: stamp.region,
    phase: stamp.phase,
    traffic: stamp.traffic,
    createdAt: stamp.createdAt,
    phaseSince: stamp.phaseSince,
    cause: stamp.cause,
    deadlines: stamp.deadlines,
    replacementFor: stamp.replacementFor ?? null,
    replacedBy: stamp.replacedBy ?? null,
    health: stamp.health,
    generation: stamp.generation,
    ...(stamp.isolation === undefined ? {} : { isolation: stamp.isolation }),
    spare: stamp.spare ?? null,
    ramp: stamp.ramp === undefined ? null : rampView(stamp, policy),
    ...(stamp.drain === undefined ? {} : { drain: stamp.drain }),
    ...(stamp.quarantine === undefined ? {} : { quarantine: stamp.quarantine }),
    ...(stamp.deployment === undefined
      ? {}
      : {
          deployment: {
            name: stamp.deployment.name,
            originHostName: stamp.deployment.originHostName ?? null,
            ...(stamp.deployment.error === undefined ? {} : { error: stamp.deployment.error }),
          },
        }),
    ...(stamp.archivedAt === undefined ? {} : { archivedAt: stamp.archivedAt }),
    ...(stamp.archive === undefined ? {} : { archive: stamp.archive }),
    ...(stamp.purgedAt === undefined ? {} : { purgedAt: stamp.purgedAt }),
    conditions: stampConditions(stamp, now),
    waitingFor: waiting ?? null,
  };
}

/** A ramp as the API shows it: where it is, where it goes, and when the step's check is due. */
function rampView(stamp: Stamp, policy: LifecyclePolicy): Record<string, unknown> | null {
  const ramp = stamp.ramp;
  if (ramp === undefined) return null;
  return {
    step: ramp.step + 1,
    steps: policy.ramp.stepsPercent.length,
    percent: ramp.percent,
    weight: ramp.weight,
    stepsPercent: policy.ramp.stepsPercent,
    stepSince: ramp.stepSince,
    checkDueAt: stamp.deadlines.rampStepDueAt ?? null,
    paused: ramp.paused ?? null,
    lastCanary: ramp.lastCanary ?? null,
  };
}

export function historyView(history: readonly AuditRecord[]): Record<string, unknown>[] {
  return history.map((record) => ({
    seq: record.seq,
    at: record.at,
    from: record.from,
    to: record.to,
    ...(record.traffic === undefined ? {} : { traffic: record.traffic }),
    cause: record.cause,
    ...(record.refused === undefined ? {} : { refused: record.refused }),
    ...(record.archive === undefined ? {} : { archive: record.archive }),
    ...(record.ramp === undefined ? {} : { ramp: record.ramp }),
    ...(record.canary === undefined ? {} : { canary: record.canary }),
  }));
}

/**
 * Capacity per region from the ledgers: the desired count and how many stamps serve it, counts of
 * live stamps by phase, what the fleet reconciler last did and what holds the region back.
 */
export function regionsView(
  policy: LifecyclePolicy,
  ledgers: readonly StoredLedger[],
  now: string,
): Record<string, unknown>[] {
  return [...policy.regions]
    .sort((a, b) => a.priority - b.priority)
    .map((region) =>
      regionView(policy, region.name, ledgers.find((l) => l.ledger.region === region.name)?.ledger, now),
    );
}

export function regionView(
  policy: LifecyclePolicy,
  name: string,
  ledger: RegionLedger | undefined,
  now: string,
): Record<string, unknown> {
  const region = regionPolicy(policy, name);
  const members: FleetMember[] = Object.values(ledger?.members ?? {});
  const counts = Object.fromEntries(
    PHASES.map((phase): [Phase, number] => [phase, members.filter((m) => m.phase === phase).length]),
  );
  const bounds = desiredBounds(policy, name);
  return {
    name,
    code: region?.code ?? '',
    priority: region?.priority ?? 0,
    max: region?.max ?? 0,
    desired: effectiveDesired(policy, name, ledger?.desired),
    desiredBounds: bounds ?? null,
    serving: members.filter(serves).length,
    /** The stamps that hold a place against `max` (guard 3): the core says which phases do. */
    holding: members.filter((m) => holdsCapacity(m.phase)).length,
    counts,
    inRotation: members.filter((m) => m.phase === 'active' && m.traffic === 'in-rotation').length,
    /** Warm spares: held against `max`, not serving the desired count until promoted. */
    spares: sparesOf(policy, members),
    ramping: members.filter((m) => m.ramping === true).map((m) => m.id),
    blocked: isBlocked(ledger?.block, now) ? (ledger?.block ?? null) : null,
    reconciler: ledger?.status ?? null,
    capacitySignal: ledger?.capacitySignal ?? null,
  };
}

function sparesOf(policy: LifecyclePolicy, members: readonly FleetMember[]): Record<string, unknown> {
  const spares = members.filter((m) => m.spareSince !== undefined && holdsCapacity(m.phase));
  const ready = spares.filter((m) => m.phase === 'active' && m.traffic === 'standby');
  return {
    target: policy.spares.perRegion,
    ready: ready.length,
    building: spares.filter((m) => m.phase === 'provisioning' || m.phase === 'registering').length,
    stamps: spares.map((m) => ({ id: m.id, phase: m.phase, traffic: m.traffic, since: m.spareSince })),
    maxAgeHours: policy.spares.maxAgeHours,
  };
}

/** One region with its desired-count audit trail (GET /api/regions/{name}). */
export function regionDetailView(
  policy: LifecyclePolicy,
  ledger: RegionLedger,
  now: string,
): Record<string, unknown> {
  return {
    ...regionView(policy, ledger.region, ledger, now),
    stamps: Object.values(ledger.members).map((m) => ({
      id: m.id,
      phase: m.phase,
      traffic: m.traffic,
      probe: m.probe,
      serves: serves(m),
      spare: m.spareSince !== undefined,
      ramping: m.ramping === true,
    })),
    desiredChanges: [...(ledger.desiredChanges ?? [])].reverse(),
  };
}

/** `GET /api/stamps/{id}/archive`: the verification first, then what the archive holds. */
export function archiveView(verification: ArchiveVerification): Record<string, unknown> {
  const { document } = verification;
  return {
    stampId: verification.stampId,
    location: verification.location,
    digest: verification.digest,
    records: verification.records,
    retainUntil: verification.retainUntil,
    verified: verification.verified,
    problems: verification.problems,
    hold: verification.hold ?? null,
    ...(document === undefined
      ? {}
      : {
          format: document.format,
          chain: document.chain,
          summary: document.summary,
          quarantine: document.quarantine ?? null,
          archived: document.records.map((link) => ({ ...link.record, hash: link.hash })),
        }),
  };
}
