import type { Effect } from '../effects';
import type { StampDeadlines } from '../stamp';
import { LIFECYCLE_TIMER_NAMES, LIFECYCLE_TIMERS } from '../timers';

/**
 * The timer effects a decision implies: a timer is armed exactly when its deadline is set (or
 * moved) and cancelled when its deadline is cleared. Decisions set deadlines; they never ask for
 * timers themselves, so the two can never disagree.
 */
export function timerEffects(stampId: string, before: StampDeadlines, after: StampDeadlines): Effect[] {
  const effects: Effect[] = [];
  for (const timer of LIFECYCLE_TIMER_NAMES) {
    const field = LIFECYCLE_TIMERS[timer].deadline;
    const [was, is] = [before[field], after[field]];
    if (was === is) continue;
    effects.push(
      is === undefined
        ? { kind: 'cancel-timer', stampId, timer }
        : { kind: 'start-timer', stampId, timer, at: is },
    );
  }
  return effects;
}
