import { causeOf } from './decide/cause';
import type { DecideContext } from './decide/context';
import { ignore } from './decide/context';
import { onDrainEnded, onDrainRequested } from './decide/drain';
import {
  onHealthProbeFailed,
  onHealthProbeRecovered,
  onIsolateRequested,
  onIsolationDecisionDue,
  onIsolationGraceExpired,
  onReplacementActive,
} from './decide/health';
import { onDrainCancelRequested, onRejoinRequested } from './decide/operatorReturn';
import {
  onDeploymentFailed,
  onDeploymentSucceeded,
  onOriginHealthy,
  onRegistrationTimedOut,
} from './decide/provisioning';
import { onQuarantineApproved, onQuarantineChecksCompleted } from './decide/quarantine';
import {
  onCanaryCompared,
  onRampContinueRequested,
  onRampPauseRequested,
  onRampSkipRequested,
  onRampStepDue,
} from './decide/ramp';
import {
  onCleanupRequested,
  onDecommissionCompleted,
  onRecordsArchived,
  onRetentionElapsed,
} from './decide/retirement';
import { onPromotionRequested } from './decide/spare';
import type { Decision } from './decision';
import type { StampEvent } from './events';
import type { GuardView } from './guardView';
import type { LifecyclePolicy } from './policy';
import type { Stamp } from './stamp';

/**
 * The whole lifecycle as one pure function: given a stamp, an event, the policy, the time and
 * what the guards see of the fleet (its region, every region's counts), returns the next state, the effects to run and the audit
 * record, or a refusal naming the guard, or "ignored". It performs no I/O and reads no clock.
 *
 * @example
 * const decision = decide(stamp, { type: 'DrainRequested', id: 'req-1', source: 'operator',
 *   actor: 'ana', reason: 'retire' }, DEFAULT_POLICY, '2026-01-01T00:00:00.000Z', fleet);
 * if (decision.outcome === 'refused') console.log(decision.guard, decision.reason);
 */
export function decide(
  stamp: Stamp,
  event: StampEvent,
  policy: LifecyclePolicy,
  now: string,
  fleet: GuardView,
): Decision {
  if (stamp.processedEventIds.includes(event.id)) {
    return ignore('duplicate-event', `event ${event.id} was already handled for ${stamp.id}`);
  }
  if (stamp.phase === 'purged') {
    return ignore('not-applicable', `${stamp.id} is purged; nothing happens to it any more`);
  }
  const ctx: DecideContext = { stamp, event, policy, now, fleet, cause: causeOf(event) };
  return route(ctx);
}

function route(ctx: DecideContext): Decision {
  const event = ctx.event;
  switch (event.type) {
    case 'DeploymentSucceeded':
      return onDeploymentSucceeded(narrow(ctx, event));
    case 'DeploymentFailed':
      return onDeploymentFailed(narrow(ctx, event));
    case 'OriginHealthy':
      return onOriginHealthy(narrow(ctx, event));
    case 'RegistrationTimedOut':
      return onRegistrationTimedOut(narrow(ctx, event));
    case 'HealthProbeFailed':
      return onHealthProbeFailed(narrow(ctx, event));
    case 'HealthProbeRecovered':
      return onHealthProbeRecovered(narrow(ctx, event));
    case 'IsolationDecisionDue':
      return onIsolationDecisionDue(narrow(ctx, event));
    case 'IsolationGraceExpired':
      return onIsolationGraceExpired(narrow(ctx, event));
    case 'ReplacementActive':
      return onReplacementActive(narrow(ctx, event));
    case 'IsolateRequested':
      return onIsolateRequested(narrow(ctx, event));
    case 'DrainRequested':
      return onDrainRequested(narrow(ctx, event));
    case 'DrainTimerFired':
    case 'InFlightDrained':
      return onDrainEnded(narrow(ctx, event));
    case 'QuarantineChecksCompleted':
      return onQuarantineChecksCompleted(narrow(ctx, event));
    case 'QuarantineApproved':
      return onQuarantineApproved(narrow(ctx, event));
    case 'DecommissionCompleted':
      return onDecommissionCompleted(narrow(ctx, event));
    case 'RecordsArchived':
      return onRecordsArchived(narrow(ctx, event));
    case 'RetentionElapsed':
      return onRetentionElapsed(narrow(ctx, event));
    case 'CleanupRequested':
      return onCleanupRequested(narrow(ctx, event));
    case 'RejoinRequested':
      return onRejoinRequested(narrow(ctx, event));
    case 'DrainCancelRequested':
      return onDrainCancelRequested(narrow(ctx, event));
    case 'PromotionRequested':
      return onPromotionRequested(narrow(ctx, event));
    case 'RampStepDue':
      return onRampStepDue(narrow(ctx, event));
    case 'CanaryCompared':
      return onCanaryCompared(narrow(ctx, event));
    case 'RampPauseRequested':
      return onRampPauseRequested(narrow(ctx, event));
    case 'RampContinueRequested':
      return onRampContinueRequested(narrow(ctx, event));
    case 'RampSkipRequested':
      return onRampSkipRequested(narrow(ctx, event));
  }
}

function narrow<E extends StampEvent>(ctx: DecideContext, event: E): DecideContext<E> {
  return { ...ctx, event };
}
