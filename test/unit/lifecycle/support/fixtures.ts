import {
  type Decision,
  DEFAULT_POLICY,
  type FleetMember,
  type GuardView,
  guardViewOf,
  type LifecyclePolicy,
  type Phase,
  type Stamp,
  type StampEvent,
  type Traffic,
} from '../../../../shared/lifecycle';

export const T0 = '2026-01-01T00:00:00.000Z';

export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

/**
 * The default policy, but deciding isolations at once (no correlation window) unless a test
 * asks for one: most cases are about the guards, not the wait.
 */
export function policyWith(overrides: Partial<LifecyclePolicy> = {}): LifecyclePolicy {
  return { ...DEFAULT_POLICY, alertCorrelationSeconds: 0, ...overrides };
}

/** A valid stamp in the given phase, with the fields that phase implies. */
export function stampIn(phase: Phase, overrides: Partial<Stamp> = {}): Stamp {
  const id = overrides.id ?? 'weu-001';
  const base: Stamp = {
    id,
    region: 'westeurope',
    phase,
    traffic: phase === 'active' ? 'in-rotation' : 'none',
    generation: 1,
    createdAt: T0,
    phaseSince: T0,
    cause: { kind: 'operator', eventId: 'create-1', reason: 'fixture', actor: 'test' },
    deadlines: {},
    health: { probe: 'healthy' },
    deployment: { name: `stamp-${id}-1` },
    auditSeq: 1,
    processedEventIds: ['create-1'],
  };
  const byPhase: Partial<Stamp> =
    phase === 'registering'
      ? {
          deployment: { name: `stamp-${id}-1`, originHostName: `${id}.stamps.example.net` },
          deadlines: { registrationTimeoutAt: at(15) },
        }
      : phase === 'draining'
        ? {
            drain: { id: 'drain-1', reason: 'fixture', startedAt: T0, endsAt: at(30) },
            deadlines: { drainEndsAt: at(30) },
          }
        : phase === 'quarantined'
          ? { quarantine: { checks: 'pending' } }
          : phase === 'archived'
            ? { archivedAt: T0, deadlines: { purgeDueAt: at(30 * 24 * 60) } }
            : phase === 'failed'
              ? { deployment: { name: `stamp-${id}-1`, error: 'boom' } }
              : {};
  return { ...base, ...byPhase, ...overrides };
}

export function member(
  id: string,
  region: string,
  overrides: Partial<Omit<FleetMember, 'id' | 'region'>> = {},
): FleetMember {
  return { id, region, phase: 'active', traffic: 'in-rotation', probe: 'healthy', ...overrides };
}

/** The seed fleet: 4 in westeurope, 3 in eastus, 3 in southeastasia, all active and healthy. */
export function seedFleet(): FleetMember[] {
  return [
    ...['weu-001', 'weu-002', 'weu-003', 'weu-004'].map((id) => member(id, 'westeurope')),
    ...['eus-001', 'eus-002', 'eus-003'].map((id) => member(id, 'eastus')),
    ...['sea-001', 'sea-002', 'sea-003'].map((id) => member(id, 'southeastasia')),
  ];
}

/** The guards' view of a whole fleet (its members, and every region's counts taken from them). */
export function fleet(members: FleetMember[]): GuardView {
  return guardViewOf(members);
}

export function withMember(
  members: FleetMember[],
  id: string,
  patch: { phase?: Phase; traffic?: Traffic; probe?: 'healthy' | 'failing' },
): FleetMember[] {
  return members.map((m) => (m.id === id ? { ...m, ...patch } : m));
}

export function failed(id: string, observedAt = at(1)): StampEvent {
  return {
    type: 'HealthProbeFailed',
    id: `alert-${id}-${observedAt}:Fired`,
    alertId: `alert-${id}`,
    observedAt,
  };
}

export function recovered(id: string, observedAt: string): StampEvent {
  return {
    type: 'HealthProbeRecovered',
    id: `alert-${id}-${observedAt}:Resolved`,
    alertId: `alert-${id}`,
    observedAt,
  };
}

export function expectTransition(decision: Decision): Extract<Decision, { outcome: 'transition' }> {
  if (decision.outcome !== 'transition') {
    throw new Error(`expected a transition, got ${decision.outcome}: ${JSON.stringify(decision)}`);
  }
  return decision;
}

export function expectRefusal(decision: Decision): Extract<Decision, { outcome: 'refused' }> {
  if (decision.outcome !== 'refused') {
    throw new Error(`expected a refusal, got ${decision.outcome}: ${JSON.stringify(decision)}`);
  }
  return decision;
}

export function effectKinds(decision: Decision): string[] {
  return decision.outcome === 'ignored' ? [] : decision.effects.map((effect) => effect.kind);
}
