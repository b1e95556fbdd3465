import type { Decision } from '../lifecycle/decision';
import type { StampEvent } from '../lifecycle/events';
import type { Stamp } from '../lifecycle/stamp';
import {
  countDecision,
  recordAlertToIsolation,
  recordFailureToReplacement,
  recordPhaseDuration,
} from './instruments';

/** What one decision adds to the metrics, worked out when it is taken and recorded once it is committed. */
export interface DecisionMeasure {
  readonly event: StampEvent['type'];
  readonly outcome: Decision['outcome'];
  readonly guard?: string;
  /** The phase left and how long the stamp was in it. */
  readonly leftPhase?: { readonly phase: string; readonly seconds: number };
  readonly isolated?: { readonly by: string; readonly seconds: number };
  readonly replacedAfterSeconds?: number;
}

const seconds = (now: Date, since: string | undefined): number | undefined =>
  since === undefined ? undefined : (now.getTime() - Date.parse(since)) / 1000;

export function measureDecision(
  before: Stamp,
  event: StampEvent,
  decision: Decision,
  now: Date,
): DecisionMeasure {
  const base = {
    event: event.type,
    outcome: decision.outcome,
    ...(decision.outcome === 'refused' ? { guard: decision.guard } : {}),
  };
  if (decision.outcome !== 'transition') return base;
  const after = decision.stamp;
  const left = after.phase !== before.phase ? seconds(now, before.phaseSince) : undefined;
  // From the health signal that turned the probe failing to the stamp leaving rotation.
  const isolatedFor =
    before.traffic !== 'isolated' &&
    after.traffic === 'isolated' &&
    after.isolation !== undefined &&
    after.isolation.by !== 'operator'
      ? seconds(now, before.health?.observedAt)
      : undefined;
  const replacedFor = event.type === 'ReplacementActive' ? seconds(now, before.isolation?.at) : undefined;
  return {
    ...base,
    ...(left === undefined ? {} : { leftPhase: { phase: before.phase, seconds: left } }),
    ...(isolatedFor === undefined || after.isolation === undefined
      ? {}
      : { isolated: { by: after.isolation.by, seconds: isolatedFor } }),
    ...(replacedFor === undefined ? {} : { replacedAfterSeconds: replacedFor }),
  };
}

export function recordDecisions(measures: readonly DecisionMeasure[]): void {
  for (const m of measures) {
    countDecision(m.event, m.outcome, m.guard);
    if (m.leftPhase !== undefined) recordPhaseDuration(m.leftPhase.phase, m.leftPhase.seconds);
    if (m.isolated !== undefined) recordAlertToIsolation(m.isolated.seconds, m.isolated.by);
    if (m.replacedAfterSeconds !== undefined) recordFailureToReplacement(m.replacedAfterSeconds);
  }
}
