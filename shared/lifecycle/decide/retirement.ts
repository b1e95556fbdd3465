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

/**
 * The archive was written: its location and digest go on the stamp and into an audit record of
 * their own, so the record of the stamp says where its history is kept and what it must hash to.
 */
export function onRecordsArchived(ctx: DecideContext<EventOf<'RecordsArchived'>>): Decision {
  const { stamp, event } = ctx;
  if (stamp.phase !== 'archived') {
    return ignore(
      'not-applicable',
      `${stamp.id} is ${stamp.phase}; only an archived stamp's records are archived`,
    );
  }
  if (stamp.archive !== undefined) {
    return ignore(
      'not-applicable',
      `${stamp.id}'s records were archived already, to ${stamp.archive.location}`,
    );
  }
  const { type: _type, id: _id, ...archive } = event;
  return transition(ctx, 'archived', { patch: { archive }, audit: { archive } });
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
