import type { RampPolicy } from './policy';
import type { RampState, Stamp } from './stamp';
import { addMinutes } from './time';

/**
 * A stamp's full Front Door origin weight. Weights are relative among the origins Front Door
 * chooses between (same priority, within the latency band), 1-1000: a stamp at full weight next
 * to a ramping one at 10 takes a hundred times its traffic.
 */
export const FULL_ORIGIN_WEIGHT = 1000;

/** The origin weight of `percent` of a full weight (at least 1: Front Door refuses 0). */
export function weightOf(percent: number): number {
  return Math.min(FULL_ORIGIN_WEIGHT, Math.max(1, Math.round((FULL_ORIGIN_WEIGHT * percent) / 100)));
}

/** The steps that ramp a stamp, without the final full step (a stamp at 100% is not ramping). */
function rampingSteps(policy: RampPolicy): readonly number[] {
  return policy.stepsPercent.filter((percent) => percent < 100);
}

/** The ramp a stamp entering rotation starts, or undefined when the policy has none. */
export function startRamp(policy: RampPolicy, now: string): RampState | undefined {
  return rampAt(policy, 0, now);
}

/** The ramp at step `step`, or undefined when that is past the last ramping step (full weight). */
export function rampAt(policy: RampPolicy, step: number, now: string): RampState | undefined {
  const percent = rampingSteps(policy)[step];
  if (percent === undefined) return undefined;
  return { step, percent, weight: weightOf(percent), stepSince: now, lowTrafficBakes: 0 };
}

/** The origin weight a stamp should have: its ramp step's, or full. */
export function originWeightOf(stamp: Pick<Stamp, 'ramp'>): number {
  return stamp.ramp?.weight ?? FULL_ORIGIN_WEIGHT;
}

/** The weight a stamp's origin is registered with: its first ramp step's, or full. */
export function initialOriginWeight(policy: RampPolicy): number {
  const first = rampingSteps(policy)[0];
  return first === undefined ? FULL_ORIGIN_WEIGHT : weightOf(first);
}

/**
 * The ramp's timer follows the stamp: it runs only while the stamp is in rotation and the ramp
 * is not paused, so every path that takes a ramping stamp out of rotation (an isolation, a
 * drain) stops it and every path back (a rejoin, a cancelled drain) bakes the step again.
 */
export function withRampDeadline(stamp: Stamp, policy: RampPolicy, now: string): Stamp {
  if (stamp.ramp !== undefined && stamp.phase !== 'active' && stamp.phase !== 'draining') {
    // Past draining the stamp never serves again: its ramp is over.
    const { ramp: _over, ...rest } = stamp;
    return withRampDeadline(rest, policy, now);
  }
  const runs =
    stamp.phase === 'active' &&
    stamp.traffic === 'in-rotation' &&
    stamp.ramp !== undefined &&
    stamp.ramp.paused === undefined;
  const due = stamp.deadlines.rampStepDueAt;
  if (runs && due === undefined && stamp.ramp !== undefined) {
    // The step bakes again from now: what the stamp did before it left rotation (or before a
    // pause) is not its canary, and a comparison asked for earlier no longer answers.
    const { comparing: _dropped, ...ramp } = stamp.ramp;
    return {
      ...stamp,
      ramp: { ...ramp, stepSince: now },
      deadlines: { ...stamp.deadlines, rampStepDueAt: addMinutes(now, policy.bakeMinutes) },
    };
  }
  if (!runs && due !== undefined) {
    const { rampStepDueAt: _stopped, ...deadlines } = stamp.deadlines;
    return { ...stamp, deadlines };
  }
  return stamp;
}
