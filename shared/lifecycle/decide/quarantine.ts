import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { checkFourEyes } from '../guards/fourEyes';
import type { QuarantineState } from '../stamp';
import { who } from './cause';
import { type DecideContext, ignore, overrides, refuse, transition, update } from './context';

/**
 * A quarantined stamp is verified when its checks passed (or the automatic checks are off and an
 * operator verified it) and, if the policy requires it, an operator approved.
 */
function isVerified(quarantine: QuarantineState, ctx: DecideContext): boolean {
  const { autoVerify, requireHumanApproval } = ctx.policy.quarantine;
  const checksOk = autoVerify ? quarantine.checks === 'passed' : quarantine.approvedBy !== undefined;
  const approvalOk = !requireHumanApproval || quarantine.approvedBy !== undefined;
  return checksOk && approvalOk;
}

export function onQuarantineChecksCompleted(
  ctx: DecideContext<EventOf<'QuarantineChecksCompleted'>>,
): Decision {
  const { stamp, event, now } = ctx;
  if (stamp.phase !== 'quarantined') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; quarantine checks no longer apply`);
  }
  // A run's results replace the last run's: a result list never mixes two runs.
  const { results: _previousResults, ...previous } = stamp.quarantine ?? { checks: 'pending' };
  const quarantine: QuarantineState = {
    ...previous,
    checks: event.passed ? 'passed' : 'failed',
    checkedAt: now,
    detail: event.detail,
    ...(event.results === undefined ? {} : { results: event.results }),
  };
  if (!event.passed) {
    return update(ctx, { quarantine }, `quarantine checks of ${stamp.id} failed`, [
      {
        kind: 'raise-incident',
        stampId: stamp.id,
        incident: 'quarantine-checks-failed',
        detail: `quarantine checks of ${stamp.id} failed: ${event.detail}; an operator must verify with a reason to override`,
      },
    ]);
  }
  if (!isVerified(quarantine, ctx)) {
    return update(
      ctx,
      { quarantine },
      `quarantine checks of ${stamp.id} passed; waiting for an operator's approval`,
    );
  }
  return transition(ctx, 'decommissioning', { patch: { quarantine } });
}

export function onQuarantineApproved(ctx: DecideContext<EventOf<'QuarantineApproved'>>): Decision {
  const { stamp, event } = ctx;
  if (event.actor.trim() === '') {
    return refuse(ctx, 'input', 'an approval needs the signed-in approver, who is recorded');
  }
  if (stamp.phase !== 'quarantined') {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}; only a quarantined stamp can be verified`,
    );
  }
  const fourEyes = checkFourEyes(stamp, who(event), ctx.policy.quarantine.fourEyes);
  if (!fourEyes.ok) return refuse(ctx, fourEyes.guard, fourEyes.reason);
  const current = stamp.quarantine ?? { checks: 'pending' as const };
  let cause = ctx.cause;
  if (current.checks === 'failed') {
    if (!overrides(event)) {
      return refuse(
        ctx,
        'quarantine-verification',
        `the quarantine checks of ${stamp.id} failed (${current.detail ?? 'no detail'}); verify with override and a reason to proceed`,
      );
    }
    cause = { ...cause, overriddenGuard: 'quarantine-verification' };
  }
  const quarantine: QuarantineState = {
    ...current,
    approvedBy: event.actor,
    ...(event.actorId === undefined ? {} : { approvedById: event.actorId }),
    ...(current.checks === 'failed' ? { checks: 'passed' as const } : {}),
  };
  if (!isVerified(quarantine, ctx)) {
    return update(ctx, { quarantine }, `approval of ${stamp.id} recorded; waiting for the automatic checks`);
  }
  return transition({ ...ctx, cause }, 'decommissioning', { patch: { quarantine } });
}
