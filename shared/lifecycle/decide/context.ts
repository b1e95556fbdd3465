import type { Decision, GuardName, IgnoreReason } from '../decision';
import type { Effect } from '../effects';
import type { StampEvent } from '../events';
import { changesFleetShape, memberOf } from '../fleet';
import type { GuardView } from '../guardView';
import type { Phase, Traffic } from '../phase';
import type { LifecyclePolicy } from '../policy';
import { withRampDeadline } from '../ramp';
import { type AuditRecord, type Cause, PROCESSED_EVENT_WINDOW, type Stamp } from '../stamp';
import { isLegalTransition } from '../transitionTable';
import { effectsOnEntering } from './phaseEntry';
import { timerEffects } from './timerEffects';

export { memberOf } from '../fleet';

/** The reconcile-fleet effect when the decision changes what the fleet reconciler sees. */
function fleetEffects(before: Stamp, after: Stamp, why: string): Effect[] {
  if (!changesFleetShape(memberOf(before), memberOf(after))) return [];
  return [{ kind: 'reconcile-fleet', stampId: after.id, reason: why }];
}

/** Everything one decision may look at; nothing else. */
export interface DecideContext<E extends StampEvent = StampEvent> {
  readonly stamp: Stamp;
  readonly event: E;
  readonly policy: LifecyclePolicy;
  readonly now: string;
  readonly fleet: GuardView;
  readonly cause: Cause;
}

function remember(stamp: Stamp, eventId: string): string[] {
  return [...stamp.processedEventIds, eventId].slice(-PROCESSED_EVENT_WINDOW);
}

interface TransitionOptions {
  readonly traffic?: Traffic;
  readonly patch?: Partial<Stamp>;
  readonly effects?: readonly Effect[];
  /** What the audit record says besides the transition (the archive's location and digest). */
  readonly audit?: Pick<AuditRecord, 'archive' | 'ramp' | 'canary'>;
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
  const next: Stamp = withRampDeadline(
    {
      ...stamp,
      ...options.patch,
      phase: to,
      traffic,
      phaseSince: phaseChanged ? now : stamp.phaseSince,
      cause,
      auditSeq: stamp.auditSeq + 1,
      processedEventIds: remember(stamp, event.id),
    },
    ctx.policy.ramp,
    now,
  );
  const trafficChange = stamp.traffic === traffic ? undefined : { from: stamp.traffic, to: traffic };
  const audit: AuditRecord = {
    stampId: stamp.id,
    seq: next.auditSeq,
    at: now,
    from,
    to,
    ...(trafficChange === undefined ? {} : { traffic: trafficChange }),
    cause,
    ...options.audit,
  };
  const effects: Effect[] = [
    ...(phaseChanged ? effectsOnEntering(next, stamp, ctx.policy) : []),
    ...(options.effects ?? []),
    ...timerEffects(stamp.id, stamp.deadlines, next.deadlines),
    ...fleetEffects(stamp, next, `${stamp.id} ${from}/${stamp.traffic} → ${to}/${traffic}`),
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
  const stamp: Stamp = withRampDeadline(
    { ...ctx.stamp, ...patch, processedEventIds: remember(ctx.stamp, ctx.event.id) },
    ctx.policy.ramp,
    ctx.now,
  );
  return {
    outcome: 'updated',
    stamp,
    effects: [
      ...effects,
      ...timerEffects(stamp.id, ctx.stamp.deadlines, stamp.deadlines),
      ...fleetEffects(ctx.stamp, stamp, note),
    ],
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
  // A request someone made (it has an actor) is audited when refused: it was accepted earlier,
  // and its refusal must be on the record, not only in a log. Alerts and timers are not: a held
  // isolation re-checks every few minutes and would fill the history.
  const requested = 'actor' in ctx.event;
  const stamp: Stamp = {
    ...ctx.stamp,
    ...patch,
    processedEventIds: remember(ctx.stamp, ctx.event.id),
    auditSeq: requested ? ctx.stamp.auditSeq + 1 : ctx.stamp.auditSeq,
  };
  const audit: AuditRecord | undefined = requested
    ? {
        stampId: stamp.id,
        seq: stamp.auditSeq,
        at: ctx.now,
        from: ctx.stamp.phase,
        to: ctx.stamp.phase,
        cause: ctx.cause,
        refused: { guard, reason },
      }
    : undefined;
  return {
    outcome: 'refused',
    guard,
    reason,
    stamp,
    effects: [
      ...effects,
      ...timerEffects(stamp.id, ctx.stamp.deadlines, stamp.deadlines),
      ...fleetEffects(ctx.stamp, stamp, `${guard}: ${reason}`),
    ],
    ...(audit === undefined ? {} : { audit }),
  };
}

export function ignore(reason: IgnoreReason, detail: string): Decision {
  return { outcome: 'ignored', reason, detail };
}

/** An operator may override a guard only by giving a reason, which the audit record keeps (the API answers 400 to an override without one). */
export function overrides(event: StampEvent): boolean {
  return 'override' in event && event.override === true && event.reason.trim().length > 0;
}
