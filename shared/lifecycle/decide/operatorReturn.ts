import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { type DecideContext, overrides, refuse, transition } from './context';

/**
 * The ways back an operator has: ending an isolation (rejoin) and ending a drain while it runs
 * (cancel). Both put the stamp back in rotation, so both refuse a stamp whose probe is failing
 * unless the operator overrides with a reason; the fleet reconciler then retires whatever surplus
 * that leaves (the newest stamp first).
 */
function healthGuard(
  ctx: DecideContext<EventOf<'RejoinRequested'> | EventOf<'DrainCancelRequested'>>,
  what: string,
): { readonly refused: Decision } | { readonly overridden: boolean } {
  const { stamp, event } = ctx;
  if (event.reason.trim() === '') {
    return { refused: refuse(ctx, 'input', `${what} needs a reason, which goes into the audit record`) };
  }
  if (stamp.health.probe !== 'failing') return { overridden: false };
  if (overrides(event)) return { overridden: true };
  return {
    refused: refuse(
      ctx,
      'health',
      `${stamp.id}'s health probe is failing (${stamp.health.alertId ?? 'alert'}); putting it back in rotation would send users to a failing stamp (an operator may override with a reason)`,
    ),
  };
}

export function onRejoinRequested(ctx: DecideContext<EventOf<'RejoinRequested'>>): Decision {
  const { stamp } = ctx;
  if (stamp.phase !== 'active' || stamp.traffic !== 'isolated') {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}/${stamp.traffic}; only an isolated active stamp can rejoin rotation`,
    );
  }
  const guard = healthGuard(ctx, 'a rejoin');
  if ('refused' in guard) return guard.refused;
  const cause = guard.overridden ? { ...ctx.cause, overriddenGuard: 'health' } : ctx.cause;
  const { isolationGraceEndsAt: _grace, ...deadlines } = stamp.deadlines;
  return transition({ ...ctx, cause }, 'active', {
    traffic: 'in-rotation',
    patch: { isolation: undefined, deadlines, replacedBy: undefined },
    effects: [{ kind: 'enable-origin', stampId: stamp.id }],
  });
}

export function onDrainCancelRequested(ctx: DecideContext<EventOf<'DrainCancelRequested'>>): Decision {
  const { stamp } = ctx;
  if (stamp.phase !== 'draining' || stamp.drain === undefined) {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}; only a draining stamp's drain can be cancelled (once quarantined, it is past draining)`,
    );
  }
  const guard = healthGuard(ctx, 'cancelling a drain');
  if ('refused' in guard) return guard.refused;
  const cause = guard.overridden ? { ...ctx.cause, overriddenGuard: 'health' } : ctx.cause;
  const { drainEndsAt: _ended, ...deadlines } = stamp.deadlines;
  // A spare whose drain (its refresh, a surplus of spares) is cancelled goes back to standby: it
  // was never in rotation, and a spare there would serve nothing the reconciler counts.
  return transition({ ...ctx, cause }, 'active', {
    traffic: stamp.spare === undefined ? 'in-rotation' : 'standby',
    patch: { drain: undefined, deadlines, isolation: undefined, replacedBy: undefined },
  });
}
