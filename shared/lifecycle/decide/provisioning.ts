import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { startRamp } from '../ramp';
import { addMinutes, isBefore } from '../time';
import { type DecideContext, ignore, transition } from './context';

export function onDeploymentSucceeded(ctx: DecideContext<EventOf<'DeploymentSucceeded'>>): Decision {
  const { stamp, event, now, policy } = ctx;
  if (stamp.phase !== 'provisioning') {
    return ignore(
      'not-applicable',
      `${stamp.id} is ${stamp.phase}; a deployment result only moves a provisioning stamp`,
    );
  }
  const deploymentName = stamp.deployment?.name ?? '';
  return transition(ctx, 'registering', {
    patch: {
      deployment: {
        name: deploymentName,
        originHostName: event.originHostName,
        ...(event.outputs === undefined ? {} : { outputs: { ...event.outputs } }),
      },
      deadlines: {
        ...stamp.deadlines,
        registrationTimeoutAt: addMinutes(now, policy.registrationTimeoutMinutes),
      },
    },
  });
}

export function onDeploymentFailed(ctx: DecideContext<EventOf<'DeploymentFailed'>>): Decision {
  const { stamp, event } = ctx;
  if (stamp.phase !== 'provisioning') {
    return ignore(
      'not-applicable',
      `${stamp.id} is ${stamp.phase}; a deployment result only moves a provisioning stamp`,
    );
  }
  return transition(ctx, 'failed', {
    patch: { deployment: { name: stamp.deployment?.name ?? '', error: event.error } },
  });
}

export function onOriginHealthy(ctx: DecideContext<EventOf<'OriginHealthy'>>): Decision {
  const { stamp } = ctx;
  if (stamp.phase !== 'registering') {
    return ignore(
      'not-applicable',
      `${stamp.id} is ${stamp.phase}; only a registering stamp waits for its origin`,
    );
  }
  const { registrationTimeoutAt: _done, ...deadlines } = stamp.deadlines;
  const patch = { deadlines, health: { ...stamp.health, probe: 'healthy' as const } };
  // A warm spare waits on standby, its origin disabled; any other stamp starts its ramp.
  if (stamp.spare !== undefined) return transition(ctx, 'active', { traffic: 'standby', patch });
  const ramp = startRamp(ctx.policy.ramp, ctx.now);
  return transition(ctx, 'active', {
    traffic: 'in-rotation',
    patch: { ...patch, ramp },
    ...(ramp === undefined ? {} : { audit: { ramp: { from: null, to: ramp.percent, weight: ramp.weight } } }),
  });
}

export function onRegistrationTimedOut(ctx: DecideContext<EventOf<'RegistrationTimedOut'>>): Decision {
  const { stamp, now } = ctx;
  if (stamp.phase !== 'registering') {
    return ignore('stale-timer', `${stamp.id} is ${stamp.phase}; the registration timeout no longer applies`);
  }
  const due = stamp.deadlines.registrationTimeoutAt;
  if (due !== undefined && isBefore(now, due)) {
    return ignore('stale-timer', `the registration of ${stamp.id} times out at ${due}, not at ${now}`);
  }
  const { registrationTimeoutAt: _done, ...deadlines } = stamp.deadlines;
  return transition(ctx, 'failed', { patch: { deadlines } });
}
