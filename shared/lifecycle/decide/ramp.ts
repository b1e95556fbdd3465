import type { CanaryRecord } from '../canary';
import { judgeCanary } from '../canary';
import type { Decision } from '../decision';
import type { Effect } from '../effects';
import type { EventOf } from '../events';
import { checkMinInRotation } from '../guards/minInRotation';
import { FULL_ORIGIN_WEIGHT, rampAt } from '../ramp';
import type { RampState, Stamp } from '../stamp';
import { addMinutes, isBefore } from '../time';
import { type DecideContext, ignore, overrides, refuse, transition, update } from './context';

/**
 * The progressive traffic ramp (a sub-state of `active`, in rotation): each step bakes for the
 * policy's time, then the stamp's error rate and latency are compared with its region's peers.
 * Within the thresholds the next step starts; worse, the stamp is isolated (the fleet reconciler
 * replaces it, its isolation grace ends in a drain) with the comparison in the audit record.
 */

function ramping(stamp: Stamp): RampState | undefined {
  return stamp.phase === 'active' && stamp.traffic === 'in-rotation' ? stamp.ramp : undefined;
}

/** The step baked: read its comparison. Until the comparison arrives the timer is armed again, so one that cannot be read is read again a bake later. */
export function onRampStepDue(ctx: DecideContext<EventOf<'RampStepDue'>>): Decision {
  const { stamp, now, policy } = ctx;
  const ramp = ramping(stamp);
  const due = stamp.deadlines.rampStepDueAt;
  if (ramp === undefined || ramp.paused !== undefined || due === undefined)
    return ignore(
      'stale-timer',
      `${stamp.id} is not ramping (${stamp.phase}/${stamp.traffic}); no ramp step is due`,
    );
  if (isBefore(now, due))
    return ignore('stale-timer', `ramp step ${ramp.step + 1} of ${stamp.id} bakes until ${due}, not ${now}`);
  const retryAt = addMinutes(now, policy.ramp.bakeMinutes);
  // The comparison asked for at the last bake never came: the figures could not be read.
  const unread = ramp.comparing === undefined ? 0 : (ramp.unread ?? 0) + 1;
  if (unread >= MAX_UNREAD_BAKES) {
    // Held, not passed: a ramp that cannot see its canary must not go on as if it had.
    const reason = `the canary figures could not be read for ${unread} bakes in a row`;
    return transition(ctx, 'active', {
      patch: {
        ramp: {
          ...withoutComparison(ramp),
          paused: { at: now, actor: CANARY_CHECK_ACTOR, reason },
        },
      },
      effects: [
        {
          kind: 'raise-incident',
          stampId: stamp.id,
          incident: 'canary-worse',
          detail: `${stamp.id}: ${reason}; its ramp is paused at ${ramp.percent}%`,
        },
      ],
      audit: { ramp: { from: ramp.percent, to: ramp.percent, weight: ramp.weight, paused: true } },
    });
  }
  return update(
    ctx,
    {
      ramp: { ...ramp, comparing: due, ...(unread === 0 ? {} : { unread }) },
      deadlines: { ...stamp.deadlines, rampStepDueAt: retryAt },
    },
    `${stamp.id} ramp step ${ramp.step + 1} (${ramp.percent}%) baked; comparing it with its region's peers`,
    [{ kind: 'compare-canary', stampId: stamp.id, step: ramp.step, dueAt: due }],
  );
}

/** Bakes whose comparison never arrived after which the ramp is paused for an operator. */
export const MAX_UNREAD_BAKES = 3;
/** The actor of a pause the canary check made itself (not an operator's). */
export const CANARY_CHECK_ACTOR = 'canary-check';

function withoutComparison(ramp: RampState): RampState {
  const { comparing: _answered, unread: _reset, ...rest } = ramp;
  return rest;
}

export function onCanaryCompared(ctx: DecideContext<EventOf<'CanaryCompared'>>): Decision {
  const { stamp, event, policy } = ctx;
  const ramp = ramping(stamp);
  if (ramp?.paused !== undefined || ramp?.step !== event.step || ramp.comparing !== event.dueAt)
    return ignore(
      'stale-signal',
      `${stamp.id} is ${ramp === undefined ? 'not ramping' : ramp.paused === undefined ? `at ramp step ${ramp.step + 1}, waiting for ${ramp.comparing ?? 'no'} comparison` : 'paused'}; the comparison of step ${event.step + 1} due at ${event.dueAt} no longer applies`,
    );
  const answered = withoutComparison(ramp);
  const record = judgeCanary(event.comparison, policy.ramp);
  switch (record.verdict) {
    case 'worse':
      return isolateCanary(ctx, answered, record);
    case 'too-little-traffic': {
      const bakes = answered.lowTrafficBakes + 1;
      if (bakes < policy.ramp.maxLowTrafficBakes)
        return update(
          ctx,
          { ramp: { ...answered, lowTrafficBakes: bakes, lastCanary: record } },
          `${stamp.id} ramp step ${ramp.step + 1}: ${record.reason}; baking again (${bakes} of ${policy.ramp.maxLowTrafficBakes})`,
        );
      return nextStep(ctx, answered, {
        ...record,
        reason: `${record.reason}; passed after ${bakes} bakes without enough traffic to compare`,
      });
    }
    case 'within':
    case 'no-peers':
      return nextStep(ctx, answered, record);
  }
}

/** The next step, or the end of the ramp at full weight. */
function nextStep(ctx: DecideContext, ramp: RampState, record: CanaryRecord): Decision {
  const { stamp, now, policy } = ctx;
  const next = rampAt(policy.ramp, ramp.step + 1, now);
  const { rampStepDueAt: _baked, ...deadlines } = stamp.deadlines;
  const weight = next?.weight ?? FULL_ORIGIN_WEIGHT;
  return transition(ctx, 'active', {
    patch: {
      ramp: next,
      deadlines:
        next === undefined
          ? deadlines
          : { ...deadlines, rampStepDueAt: addMinutes(now, policy.ramp.bakeMinutes) },
    },
    effects: [{ kind: 'set-origin-weight', stampId: stamp.id, weight }],
    audit: { ramp: { from: ramp.percent, to: next?.percent ?? 100, weight }, canary: record },
  });
}

/** Worse than its peers: out of rotation like an alert's isolation, unless that would leave the region below its minimum. */
function isolateCanary(ctx: DecideContext, ramp: RampState, record: CanaryRecord): Decision {
  const { stamp, now, policy, fleet } = ctx;
  const incident = (detail: string): Effect => ({
    kind: 'raise-incident',
    stampId: stamp.id,
    incident: 'canary-worse',
    detail,
  });
  const guard = checkMinInRotation(stamp.id, stamp.region, fleet, policy);
  if (!guard.ok) {
    // Held at its step, not isolated: an operator decides (skip, or isolate with an override).
    return transition(ctx, 'active', {
      patch: {
        ramp: {
          ...ramp,
          lastCanary: record,
          paused: { at: now, actor: CANARY_CHECK_ACTOR, reason: `${record.reason}; ${guard.reason}` },
        },
      },
      effects: [
        incident(`${stamp.id} is worse than its peers (${record.reason}) but stays: ${guard.reason}`),
      ],
      audit: {
        ramp: { from: ramp.percent, to: ramp.percent, weight: ramp.weight, paused: true },
        canary: record,
      },
    });
  }
  const { rampStepDueAt: _stopped, ...deadlines } = stamp.deadlines;
  return transition(ctx, 'active', {
    traffic: 'isolated',
    patch: {
      ramp: { ...ramp, lastCanary: record },
      isolation: { by: 'canary', at: now },
      deadlines: { ...deadlines, isolationGraceEndsAt: addMinutes(now, policy.isolationGraceMinutes) },
    },
    effects: [
      { kind: 'disable-origin', stampId: stamp.id },
      incident(`${stamp.id} was isolated at ramp step ${ramp.step + 1} (${ramp.percent}%): ${record.reason}`),
    ],
    audit: { ramp: { from: ramp.percent, to: ramp.percent, weight: ramp.weight }, canary: record },
  });
}

export function onRampPauseRequested(ctx: DecideContext<EventOf<'RampPauseRequested'>>): Decision {
  const { stamp, event, now } = ctx;
  const ramp = stamp.phase === 'active' ? stamp.ramp : undefined;
  if (ramp === undefined)
    return refuse(ctx, 'transition-table', `${stamp.id} is not ramping; there is no ramp to pause`);
  if (ramp.paused !== undefined)
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id}'s ramp is already paused (by ${ramp.paused.actor}: ${ramp.paused.reason})`,
    );
  return transition(ctx, 'active', {
    patch: {
      ramp: {
        ...ramp,
        paused: {
          at: now,
          actor: event.actor,
          ...(event.actorId === undefined ? {} : { actorId: event.actorId }),
          reason: event.reason,
        },
      },
    },
    audit: { ramp: { from: ramp.percent, to: ramp.percent, weight: ramp.weight, paused: true } },
  });
}

export function onRampContinueRequested(ctx: DecideContext<EventOf<'RampContinueRequested'>>): Decision {
  const { stamp } = ctx;
  const ramp = stamp.phase === 'active' ? stamp.ramp : undefined;
  if (ramp?.paused === undefined)
    return refuse(ctx, 'transition-table', `${stamp.id} has no paused ramp; continue resumes a paused one`);
  const { paused: _resumed, ...going } = ramp;
  // The step bakes again from now (withRampDeadline arms it): what it saw before the pause is old.
  return transition(ctx, 'active', {
    patch: { ramp: { ...going, stepSince: ctx.now, lowTrafficBakes: 0 } },
    audit: { ramp: { from: ramp.percent, to: ramp.percent, weight: ramp.weight, paused: false } },
  });
}

export function onRampSkipRequested(ctx: DecideContext<EventOf<'RampSkipRequested'>>): Decision {
  const { stamp } = ctx;
  const ramp = stamp.phase === 'active' ? stamp.ramp : undefined;
  if (ramp === undefined)
    return refuse(ctx, 'transition-table', `${stamp.id} is not ramping; it already takes its full weight`);
  let cause = ctx.cause;
  if (ramp.paused?.actor === CANARY_CHECK_ACTOR && ramp.lastCanary?.verdict === 'worse') {
    if (!overrides(ctx.event))
      return refuse(
        ctx,
        'canary',
        `${stamp.id}'s ramp is held because its canary check found it worse than its peers (${ramp.lastCanary.reason}); full weight would send its region's users to it (an operator may override with a reason)`,
      );
    cause = { ...cause, overriddenGuard: 'canary' };
  }
  const { rampStepDueAt: _skipped, ...deadlines } = stamp.deadlines;
  return transition({ ...ctx, cause }, 'active', {
    patch: { ramp: undefined, deadlines },
    effects: [{ kind: 'set-origin-weight', stampId: stamp.id, weight: FULL_ORIGIN_WEIGHT }],
    audit: { ramp: { from: ramp.percent, to: 100, weight: FULL_ORIGIN_WEIGHT } },
  });
}
