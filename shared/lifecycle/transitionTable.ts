import type { StampEventType } from './events';
import type { Phase } from './phase';

/** One row of docs/architecture.md §3: the only ways a stamp may change phase or traffic. */
export interface TransitionRow {
  readonly from: Phase;
  readonly to: Phase;
  readonly on: readonly StampEventType[];
}

/**
 * The transition table. `active → active` rows change only the traffic state (isolate,
 * rejoin, a spare's promotion) or the ramp's step (a canary's verdict, an operator's pause,
 * continue or skip); they are transitions too and are audited. Nothing leaves `purged`.
 */
export const TRANSITION_TABLE: readonly TransitionRow[] = [
  { from: 'provisioning', to: 'registering', on: ['DeploymentSucceeded'] },
  { from: 'provisioning', to: 'failed', on: ['DeploymentFailed'] },
  { from: 'registering', to: 'active', on: ['OriginHealthy'] },
  { from: 'registering', to: 'failed', on: ['RegistrationTimedOut'] },
  {
    from: 'active',
    to: 'active',
    on: [
      'HealthProbeFailed',
      'IsolationDecisionDue',
      'HealthProbeRecovered',
      'IsolateRequested',
      'ReplacementActive',
      'RejoinRequested',
      'PromotionRequested',
      'CanaryCompared',
      'RampStepDue',
      'RampPauseRequested',
      'RampContinueRequested',
      'RampSkipRequested',
    ],
  },
  { from: 'active', to: 'draining', on: ['DrainRequested', 'IsolationGraceExpired'] },
  { from: 'draining', to: 'quarantined', on: ['DrainTimerFired', 'InFlightDrained'] },
  { from: 'draining', to: 'active', on: ['DrainCancelRequested'] },
  { from: 'quarantined', to: 'decommissioning', on: ['QuarantineChecksCompleted', 'QuarantineApproved'] },
  { from: 'decommissioning', to: 'archived', on: ['DecommissionCompleted'] },
  { from: 'archived', to: 'archived', on: ['RecordsArchived'] },
  { from: 'archived', to: 'purged', on: ['RetentionElapsed'] },
  { from: 'failed', to: 'decommissioning', on: ['CleanupRequested'] },
];

export function isLegalTransition(from: Phase, to: Phase, on: StampEventType): boolean {
  return TRANSITION_TABLE.some((row) => row.from === from && row.to === to && row.on.includes(on));
}

/** The events that can move a stamp out of `phase` (used for refusals that say what would). */
export function eventsLeaving(phase: Phase): StampEventType[] {
  return TRANSITION_TABLE.filter((row) => row.from === phase).flatMap((row) => [...row.on]);
}
