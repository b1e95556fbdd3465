import type { Decision } from '../decision';
import type { Effect } from '../effects';
import type { EventOf } from '../events';
import { FULL_ORIGIN_WEIGHT, startRamp } from '../ramp';
import { type DecideContext, refuse, transition } from './context';

/**
 * A warm spare goes into rotation: its origin (registered, probed healthy, disabled) is enabled
 * at its first ramp step's weight. What it replaces is told, as a new stamp's would be.
 */
export function onPromotionRequested(ctx: DecideContext<EventOf<'PromotionRequested'>>): Decision {
  const { stamp, event, now, policy } = ctx;
  if (stamp.phase !== 'active' || stamp.traffic !== 'standby' || stamp.spare === undefined)
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}/${stamp.traffic}; only a warm spare on standby can be promoted`,
    );
  if (stamp.health.probe === 'failing')
    return refuse(ctx, 'health', `${stamp.id}'s health probe is failing; a failing spare is not promoted`);
  const ramp = startRamp(policy.ramp, now);
  const replacementFor = event.replacementFor ?? stamp.replacementFor;
  const effects: Effect[] = [
    { kind: 'set-origin-weight', stampId: stamp.id, weight: ramp?.weight ?? FULL_ORIGIN_WEIGHT },
    { kind: 'enable-origin', stampId: stamp.id },
    ...(replacementFor === undefined
      ? []
      : [{ kind: 'notify-replaced-stamp' as const, stampId: stamp.id, replacedStampId: replacementFor }]),
  ];
  return transition(ctx, 'active', {
    traffic: 'in-rotation',
    patch: { spare: undefined, ramp, ...(replacementFor === undefined ? {} : { replacementFor }) },
    effects,
    ...(ramp === undefined ? {} : { audit: { ramp: { from: null, to: ramp.percent, weight: ramp.weight } } }),
  });
}
