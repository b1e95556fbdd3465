import type { StampEvent } from '../events';
import { OPERATOR_COMMANDS } from '../operatorCommands';
import type { Cause, Requester } from '../stamp';

/** The actor the fleet reconciler signs its own requests with (a surplus drained, a failed stamp cleaned up). */
export const RECONCILER_ACTOR = 'fleet-reconciler';

/** Who asked, as the audit keeps it: the principal's name and, when signed in, its object id. */
export function who(event: { readonly actor: string; readonly actorId?: string | undefined }): Requester {
  return { actor: event.actor, ...(event.actorId === undefined ? {} : { actorId: event.actorId }) };
}

/** The audit cause of an event: who or what asked, and why, in words a person can read. */
export function causeOf(event: StampEvent): Cause {
  const base = { eventId: event.id };
  switch (event.type) {
    case 'DeploymentSucceeded':
      return { ...base, kind: 'deployment', reason: 'ARM deployment succeeded' };
    case 'DeploymentFailed':
      return { ...base, kind: 'deployment', reason: `ARM deployment failed: ${event.error}` };
    case 'OriginHealthy':
      return { ...base, kind: 'front-door', reason: 'Front Door origin healthy' };
    case 'RegistrationTimedOut':
      return { ...base, kind: 'timer', reason: 'registration timed out before the origin was healthy' };
    case 'HealthProbeFailed':
      return {
        ...base,
        kind: 'alert',
        reason: `health probe failing (alert ${event.alertId} at ${event.observedAt})`,
      };
    case 'HealthProbeRecovered':
      return {
        ...base,
        kind: 'alert',
        reason: `health probe recovered (alert ${event.alertId} at ${event.observedAt})`,
      };
    case 'IsolationDecisionDue':
      return {
        ...base,
        kind: 'timer',
        reason: 'alert correlation window ended with the probe still failing',
      };
    case 'IsolationGraceExpired':
      return { ...base, kind: 'timer', reason: 'isolation grace expired without recovery' };
    case 'ReplacementActive':
      return { ...base, kind: 'replacement', reason: `replacement ${event.replacementId} is active` };
    case 'IsolateRequested':
      return { ...base, kind: 'operator', ...who(event), reason: event.reason };
    case 'DrainRequested':
      return event.source === 'operator'
        ? { ...base, kind: 'operator', ...who(event), reason: event.reason }
        : { ...base, kind: 'reconciliation', ...who(event), reason: event.reason };
    case 'DrainTimerFired':
      return { ...base, kind: 'timer', reason: `drain timer fired (${event.drainId})` };
    case 'InFlightDrained':
      return { ...base, kind: 'system', reason: `in-flight requests reached zero (${event.drainId})` };
    case 'QuarantineChecksCompleted':
      return {
        ...base,
        kind: 'quarantine-check',
        reason: `quarantine checks ${event.passed ? 'passed' : 'failed'}: ${event.detail}`,
      };
    case 'QuarantineApproved':
      return {
        ...base,
        kind: 'operator',
        ...who(event),
        // Events queued before the command table gave verify its default reason carry ''.
        reason: event.reason || OPERATOR_COMMANDS.verify.defaultReason,
      };
    case 'DecommissionCompleted':
      return { ...base, kind: 'system', reason: 'workloads deleted, persistent volumes kept' };
    case 'RecordsArchived':
      return {
        ...base,
        kind: 'system',
        reason: `audit records 1-${event.records} archived to ${event.location} (SHA-256 chain head ${event.digest}), immutable until ${event.retainUntil}`,
      };
    case 'RetentionElapsed':
      return { ...base, kind: 'timer', reason: 'retention period elapsed' };
    case 'PromotionRequested':
      return { ...base, kind: 'replacement', actor: RECONCILER_ACTOR, reason: event.reason };
    case 'RampStepDue':
      return { ...base, kind: 'timer', reason: 'the ramp step baked' };
    case 'CanaryCompared':
      return { ...base, kind: 'canary', reason: `canary comparison of ramp step ${event.step + 1}` };
    case 'RampPauseRequested':
    case 'RampContinueRequested':
    case 'RampSkipRequested':
      return { ...base, kind: 'operator', ...who(event), reason: event.reason };
    case 'CleanupRequested':
    case 'RejoinRequested':
    case 'DrainCancelRequested':
      return {
        ...base,
        kind: event.actor === RECONCILER_ACTOR ? 'reconciliation' : 'operator',
        ...who(event),
        reason: event.reason,
      };
  }
}
