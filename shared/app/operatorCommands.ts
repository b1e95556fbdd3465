import { decide } from '../lifecycle/decide';
import type { GuardName } from '../lifecycle/decision';
import type { StampEvent } from '../lifecycle/events';
import type { Stamp } from '../lifecycle/stamp';
import { traceHere } from '../telemetry/traceContext';
import { readGuards } from './fleet';
import type { Services } from './services';

export type CommandOutcome =
  | { readonly kind: 'accepted'; readonly stamp: Stamp; readonly duplicate: boolean }
  | { readonly kind: 'refused'; readonly stamp: Stamp; readonly guard: GuardName; readonly reason: string }
  | { readonly kind: 'not-found' };

/**
 * An operator's request (drain, isolate, verify, cleanup): checked now against the guards so the
 * caller hears "409, and why" at once, then queued for the stamp's orchestration, which alone
 * changes the phase and decides again with whatever happened in between.
 */
export async function submitOperatorEvent(
  svc: Services,
  stampId: string,
  event: StampEvent,
): Promise<CommandOutcome> {
  const { store, config, clock } = svc;
  const stored = await store.get(stampId);
  if (stored === undefined) return { kind: 'not-found' };
  const { view } = await readGuards(store, config.policy, stored.stamp);
  const decision = decide(stored.stamp, event, config.policy, clock.now().toISOString(), view);
  if (decision.outcome === 'refused') {
    return { kind: 'refused', stamp: stored.stamp, guard: decision.guard, reason: decision.reason };
  }
  const queued = await store.enqueueEvent(stampId, event, traceHere(clock.now().toISOString()));
  return {
    kind: 'accepted',
    stamp: stored.stamp,
    duplicate: queued === 'duplicate' || decision.outcome === 'ignored',
  };
}

/**
 * An operator's request that no caller waits on (a `command` message of the lifecycle queue):
 * queued for the stamp's orchestration without a check first, so that whatever the guards say
 * is decided once and written to the stamp's audit trail, a refusal included.
 */
export async function queueOperatorEvent(
  svc: Services,
  stampId: string,
  event: StampEvent,
): Promise<'queued' | 'duplicate' | 'not-found'> {
  if ((await svc.store.get(stampId)) === undefined) return 'not-found';
  return svc.store.enqueueEvent(stampId, event);
}
