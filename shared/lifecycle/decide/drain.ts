import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { checkMinInRotation } from '../guards/minInRotation';
import { addMinutes } from '../time';
import { who } from './cause';
import { type DecideContext, ignore, overrides, refuse, transition } from './context';

/** Bounds for an operator-chosen drain: at least a minute, at most a day. */
export const MIN_DRAIN_MINUTES = 1;
export const MAX_DRAIN_MINUTES = 1440;

export function onDrainRequested(ctx: DecideContext<EventOf<'DrainRequested'>>): Decision {
  const { stamp, event, fleet, policy, now } = ctx;
  const minutes = event.drainMinutes ?? policy.drainMinutes;
  if (!Number.isInteger(minutes) || minutes < MIN_DRAIN_MINUTES || minutes > MAX_DRAIN_MINUTES) {
    return refuse(
      ctx,
      'input',
      `drainMinutes must be a whole number from ${MIN_DRAIN_MINUTES} to ${MAX_DRAIN_MINUTES}, got ${minutes}`,
    );
  }
  if (stamp.phase !== 'active') {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}; only an active stamp can be drained`,
    );
  }
  let cause = ctx.cause;
  if (stamp.traffic === 'in-rotation') {
    const guard = checkMinInRotation(stamp.id, stamp.region, fleet, policy);
    if (!guard.ok) {
      // Scale-in is automation: it never overrides a guard.
      if (event.source !== 'operator' || !overrides(event)) return refuse(ctx, guard.guard, guard.reason);
      cause = { ...cause, overriddenGuard: guard.guard };
    }
  }
  const drainEndsAt = addMinutes(now, minutes);
  // A pending isolation decision and a guard's hold end with the drain: the stamp is leaving.
  const { isolationGraceEndsAt: _ended, isolationDecisionAt: _decided, ...deadlines } = stamp.deadlines;
  const { heldBy: _held, ...health } = stamp.health;
  return transition({ ...ctx, cause }, 'draining', {
    patch: {
      health,
      deadlines: { ...deadlines, drainEndsAt },
      drain: {
        id: `drain-${event.id}`,
        reason: event.reason,
        startedAt: now,
        endsAt: drainEndsAt,
        ...(event.source === 'operator' ? { requestedBy: who(event) } : {}),
      },
    },
  });
}

/** The drain timer (a scheduled Service Bus message) or in-flight reaching zero ends a drain. */
export function onDrainEnded(
  ctx: DecideContext<EventOf<'DrainTimerFired'> | EventOf<'InFlightDrained'>>,
): Decision {
  const { stamp, event } = ctx;
  if (stamp.phase !== 'draining' || stamp.drain === undefined) {
    return ignore('stale-timer', `${stamp.id} is ${stamp.phase}; drain ${event.drainId} is over`);
  }
  if (stamp.drain.id !== event.drainId) {
    return ignore(
      'stale-timer',
      `drain ${event.drainId} is not the current drain ${stamp.drain.id} of ${stamp.id}`,
    );
  }
  const { drainEndsAt: _ended, ...deadlines } = stamp.deadlines;
  return transition(ctx, 'quarantined', {
    patch: { deadlines, quarantine: { checks: 'pending' } },
  });
}
