import type { Decision, GuardName, IgnoreReason } from '../decision';
import type { Effect } from '../effects';
import type { StampEvent } from '../events';
import type { FleetView } from '../fleet';
import type { Phase, Traffic } from '../phase';
import type { LifecyclePolicy } from '../policy';
import { type AuditRecord, type Cause, PROCESSED_EVENT_WINDOW, type Stamp } from '../stamp';
import { isLegalTransition } from '../transitionTable';
import { effectsOnEntering } from './phaseEntry';

export { memberOf } from '../fleet';

/** Everything one decision may look at; nothing else. */
export interface DecideContext<E extends StampEvent = StampEvent> {
  readonly stamp: Stamp;
  readonly event: E;
  readonly policy: LifecyclePolicy;
  readonly now: string;
  readonly fleet: FleetView;
  readonly cause: Cause;
}

function remember(stamp: Stamp, eventId: string): string[] {
  return [...stamp.processedEventIds, eventId].slice(-PROCESSED_EVENT_WINDOW);
}

interface TransitionOptions {
  readonly traffic?: Traffic;
  readonly patch?: Partial<Stamp>;
  readonly effects?: readonly Effect[];
}

/**
 * Moves the stamp to `to` (or changes only its traffic when `to` is its phase), writing exactly
 * one audit record, the phase-entry effects and a lifecycle notification. Throws if the move is
 * not in the transition table: that would be a bug in the core, never a user error.
 */
export function transition(ctx: DecideContext, to: Phase, options: TransitionOptions = {}): Decision {
  const { stamp, event, now, cause } = ctx;
  const from = stamp.phase;
  if (!isLegalTransition(from, to, event.type)) {
    throw new Error(`illegal transition ${from} → ${to} on ${event.type} for ${stamp.id}`);
  }
  const traffic = options.traffic ?? (to === 'active' ? stamp.traffic : 'none');
  const phaseChanged = from !== to;
  const next: Stamp = {
    ...stamp,
    ...options.patch,
    phase: to,
    traffic,
    phaseSince: phaseChanged ? now : stamp.phaseSince,
    cause,
    auditSeq: stamp.auditSeq + 1,
    processedEventIds: remember(stamp, event.id),
  };
  const trafficChange = stamp.traffic === traffic ? undefined : { from: stamp.traffic, to: traffic };
  const audit: AuditRecord = {
    stampId: stamp.id,
    seq: next.auditSeq,
    at: now,
    from,
    to,
    ...(trafficChange === undefined ? {} : { traffic: trafficChange }),
    cause,
  };
  const effects: Effect[] = [
    ...(phaseChanged ? effectsOnEntering(next, stamp, ctx.policy) : []),
    ...(options.effects ?? []),
    {
      kind: 'publish-phase-changed',
      stampId: stamp.id,
      from,
      to,
      ...(trafficChange === undefined ? {} : { traffic: trafficChange }),
      at: now,
      cause,
    },
  ];
  return { outcome: 'transition', stamp: next, effects, audit };
}

/** Bookkeeping without a transition: no audit record, but the event id is remembered. */
export function update(
  ctx: DecideContext,
  patch: Partial<Stamp>,
  note: string,
  effects: readonly Effect[] = [],
): Decision {
  return {
    outcome: 'updated',
    stamp: { ...ctx.stamp, ...patch, processedEventIds: remember(ctx.stamp, ctx.event.id) },
    effects,
    note,
  };
}

export function refuse(
  ctx: DecideContext,
  guard: GuardName,
  reason: string,
  patch: Partial<Stamp> = {},
  effects: readonly Effect[] = [],
): Decision {
  return {
    outcome: 'refused',
    guard,
    reason,
    stamp: { ...ctx.stamp, ...patch, processedEventIds: remember(ctx.stamp, ctx.event.id) },
    effects,
  };
}

export function ignore(reason: IgnoreReason, detail: string): Decision {
  return { outcome: 'ignored', reason, detail };
}

/** An operator may override a guard only by giving a reason, which the audit record keeps. */
export function overrides(event: StampEvent): boolean {
  return 'override' in event && event.override === true && event.reason.trim().length > 0;
}
