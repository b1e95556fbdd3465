import type { Phase, Traffic } from '../../../shared/lifecycle/phase';
import type { AuditRecord, Cause, Stamp } from '../../../shared/lifecycle/stamp';

export const T0 = '2026-03-01T12:00:00.000Z';

/** T0 plus some minutes, as an ISO instant. */
export function minutesAfterT0(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

export function cause(eventId: string, reason = 'contract test'): Cause {
  return { kind: 'operator', eventId, reason, actor: 'contract-test' };
}

/**
 * A valid freshly created stamp and its first audit record, as the lifecycle's newStamp makes
 * them: `provisioning`, auditSeq 1, audit record 1 from `null`.
 */
export function newStampFixture(
  id: string,
  overrides: { region?: string; phase?: Phase; traffic?: Traffic } = {},
): { stamp: Stamp; audit: AuditRecord } {
  const phase = overrides.phase ?? 'provisioning';
  const stampCause = cause(`create-${id}`);
  const stamp: Stamp = {
    id,
    region: overrides.region ?? 'westeurope',
    phase,
    traffic: overrides.traffic ?? (phase === 'active' ? 'in-rotation' : 'none'),
    generation: 1,
    createdAt: T0,
    phaseSince: T0,
    cause: stampCause,
    deadlines: {},
    health: { probe: 'healthy' },
    deployment: { name: `stamp-${id}-1` },
    auditSeq: 1,
    processedEventIds: [stampCause.eventId],
  };
  const audit: AuditRecord = { stampId: id, seq: 1, at: T0, from: null, to: phase, cause: stampCause };
  return { stamp, audit };
}

/**
 * The next state of `stamp` moved to `to`, with the audit record that must be written with it
 * (seq = auditSeq + 1), as decide() produces them.
 */
export function transition(
  stamp: Stamp,
  to: Phase,
  options: { at?: string; eventId?: string } = {},
): { stamp: Stamp; audit: AuditRecord } {
  const at = options.at ?? minutesAfterT0(stamp.auditSeq);
  const transitionCause = cause(options.eventId ?? `${stamp.id}-to-${to}-${stamp.auditSeq + 1}`);
  const seq = stamp.auditSeq + 1;
  const next: Stamp = {
    ...stamp,
    phase: to,
    traffic: to === 'active' ? 'in-rotation' : 'none',
    phaseSince: at,
    cause: transitionCause,
    auditSeq: seq,
    processedEventIds: [...stamp.processedEventIds, transitionCause.eventId].slice(-64),
  };
  const audit: AuditRecord = { stampId: stamp.id, seq, at, from: stamp.phase, to, cause: transitionCause };
  return { stamp: next, audit };
}
