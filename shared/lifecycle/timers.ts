import type { BareEventType, StampEvent } from './events';
import type { Phase } from './phase';
import type { StampDeadlines } from './stamp';

/**
 * The durable timers the orchestration keeps for a stamp, in one table: the deadline of the stamp
 * document it waits for, the one phase in which it means something (leaving the phase drops it),
 * and the event it fires. Adding a timer kind is a row here and the decision that handles its
 * event. The drain timer is not here: it is a scheduled Service Bus message, so that it survives
 * the orchestration.
 */
export const LIFECYCLE_TIMERS = {
  'registration-timeout': {
    deadline: 'registrationTimeoutAt',
    phase: 'registering',
    event: 'RegistrationTimedOut',
  },
  'isolation-decision': { deadline: 'isolationDecisionAt', phase: 'active', event: 'IsolationDecisionDue' },
  'isolation-grace': { deadline: 'isolationGraceEndsAt', phase: 'active', event: 'IsolationGraceExpired' },
  'ramp-step': { deadline: 'rampStepDueAt', phase: 'active', event: 'RampStepDue' },
} as const satisfies Record<
  string,
  { readonly deadline: keyof StampDeadlines; readonly phase: Phase; readonly event: BareEventType }
>;

export type LifecycleTimer = keyof typeof LIFECYCLE_TIMERS;

export const LIFECYCLE_TIMER_NAMES = Object.keys(LIFECYCLE_TIMERS) as [LifecycleTimer, ...LifecycleTimer[]];

/** The deadlines a stamp's orchestration must wait for, by timer. */
export type StampTimers = Partial<Record<LifecycleTimer, string>>;

export function timersOf(deadlines: StampDeadlines): StampTimers {
  const timers: Partial<Record<LifecycleTimer, string>> = {};
  for (const timer of LIFECYCLE_TIMER_NAMES) {
    const at = deadlines[LIFECYCLE_TIMERS[timer].deadline];
    if (at !== undefined) timers[timer] = at;
  }
  return timers;
}

export function timerPhase(timer: LifecycleTimer): Phase {
  return LIFECYCLE_TIMERS[timer].phase;
}

/** The event one firing of `timer` at `at` raises; its id makes a second firing a duplicate. */
export function timerFired(stampId: string, timer: LifecycleTimer, at: string): StampEvent {
  return { type: LIFECYCLE_TIMERS[timer].event, id: `${stampId}:${timer}:${at}` };
}
