import type { Stamp } from '../stamp';
import { isBefore } from '../time';
import { fail, type GuardResult, PASS } from './guardResult';

/** Guard 4: nothing is purged before `archivedAt + retentionDays`. */
export function checkRetention(stamp: Stamp, now: string): GuardResult {
  const due = stamp.deadlines.purgeDueAt;
  if (due === undefined) {
    return fail(
      'retention',
      `${stamp.id} has no purge due date; it was never archived with a retention period`,
    );
  }
  if (isBefore(now, due)) {
    return fail('retention', `${stamp.id} is retained until ${due}; it cannot be purged at ${now}`);
  }
  return PASS;
}
