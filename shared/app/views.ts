import { stampConditions } from '../lifecycle/conditions';
import type { FleetMember } from '../lifecycle/fleet';
import { type Phase, PHASES } from '../lifecycle/phase';
import type { LifecyclePolicy } from '../lifecycle/policy';
import type { AuditRecord, Stamp } from '../lifecycle/stamp';
import type { StoredLedger } from '../ports/stampStore';

/** A stamp as the API shows it (bookkeeping such as processed event ids stays inside). */
/** `now` computes the conditions (retention); the API passes the service clock's time. */
export function stampView(stamp: Stamp, now: string): Record<string, unknown> {
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
    ...(stamp.purgedAt === undefined ? {} : { purgedAt: stamp.purgedAt }),
    conditions: stampConditions(stamp, now),
  };
}

export function historyView(history: readonly AuditRecord[]): Record<string, unknown>[] {
  return history.map((record) => ({
    at: record.at,
    from: record.from,
    to: record.to,
    ...(record.traffic === undefined ? {} : { traffic: record.traffic }),
    cause: record.cause,
  }));
}

/** Capacity per region from the ledgers: counts of live stamps by phase, and how many serve. */
export function regionsView(
  policy: LifecyclePolicy,
  ledgers: readonly StoredLedger[],
): Record<string, unknown>[] {
  return [...policy.regions]
    .sort((a, b) => a.priority - b.priority)
    .map((region) => {
      const members: FleetMember[] = Object.values(
        ledgers.find((l) => l.ledger.region === region.name)?.ledger.members ?? {},
      );
      const counts = Object.fromEntries(
        PHASES.map((phase): [Phase, number] => [phase, members.filter((m) => m.phase === phase).length]),
      );
      return {
        name: region.name,
        code: region.code,
        priority: region.priority,
        max: region.max,
        counts,
        inRotation: members.filter((m) => m.phase === 'active' && m.traffic === 'in-rotation').length,
      };
    });
}
