import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { checkRetention } from '../guards/retention';
import { addDays } from '../time';
import { type DecideContext, ignore, refuse, transition } from './context';

export function onDecommissionCompleted(ctx: DecideContext<EventOf<'DecommissionCompleted'>>): Decision {
  const { stamp, now, policy } = ctx;
  if (stamp.phase !== 'decommissioning') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; it is not being decommissioned`);
  }
  return transition(ctx, 'archived', {
    patch: {
      archivedAt: now,
      deadlines: { ...stamp.deadlines, purgeDueAt: addDays(now, policy.retentionDays) },
    },
  });
}

export function onRetentionElapsed(ctx: DecideContext<EventOf<'RetentionElapsed'>>): Decision {
  const { stamp, now } = ctx;
  if (stamp.phase !== 'archived') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; only an archived stamp is purged`);
  }
  const guard = checkRetention(stamp, now);
  if (!guard.ok) return refuse(ctx, guard.guard, guard.reason);
  return transition(ctx, 'purged', { patch: { purgedAt: now } });
}

export function onCleanupRequested(ctx: DecideContext<EventOf<'CleanupRequested'>>): Decision {
  const { stamp } = ctx;
  if (stamp.phase !== 'failed') {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}; only a failed stamp is cleaned up`,
    );
  }
  return transition(ctx, 'decommissioning');
}
