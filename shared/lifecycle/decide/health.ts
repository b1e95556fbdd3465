import type { Decision } from '../decision';
import type { EventOf } from '../events';
import { assessHealthFailure } from '../guards/blastRadius';
import { checkMinInRotation } from '../guards/minInRotation';
import type { IsolationState, Stamp, StampDeadlines, StampHealth } from '../stamp';
import { addMinutes, isAtOrAfter, isBefore } from '../time';
import { who } from './cause';
import { type DecideContext, ignore, memberOf, overrides, refuse, transition, update } from './context';
import { applyHealthAlert } from './healthAlerts';

/** A health alert applied to an active stamp, with the note a decision adds about it. */
interface AppliedAlert {
  readonly health: StampHealth;
  /** Appended to the decision note when the alert's time was clamped to the clock. */
  readonly clamped: string;
  readonly stillFiring: readonly string[];
}

/**
 * The common start of both health handlers: only an active stamp takes health alerts, and a stale
 * alert (see applyHealthAlert) is ignored.
 */
function applyToActive(
  ctx: DecideContext<EventOf<'HealthProbeFailed'> | EventOf<'HealthProbeRecovered'>>,
): AppliedAlert | Decision {
  const { stamp, event, now } = ctx;
  if (stamp.phase !== 'active') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; health alerts act on active stamps only`);
  }
  const state = event.type === 'HealthProbeFailed' ? 'firing' : 'resolved';
  const applied = applyHealthAlert(
    stamp.health,
    { alertId: event.alertId, state, observedAt: event.observedAt },
    now,
  );
  if (applied.kind === 'stale') return ignore('stale-signal', applied.detail);
  const clamped =
    applied.clampedFrom === undefined
      ? ''
      : ` (alert time ${applied.clampedFrom} is ahead of the control plane's clock ${now}; taken as ${applied.health.observedAt ?? now})`;
  return { health: applied.health, clamped, stillFiring: applied.stillFiring };
}

function isDecision(value: AppliedAlert | Decision): value is Decision {
  return 'outcome' in value;
}

export function onHealthProbeFailed(ctx: DecideContext<EventOf<'HealthProbeFailed'>>): Decision {
  const { stamp } = ctx;
  const applied = applyToActive(ctx);
  if (isDecision(applied)) return applied;
  const { health, clamped } = applied;
  if (stamp.traffic !== 'in-rotation') {
    return update(ctx, { health }, `${stamp.id} is already out of rotation; alert recorded${clamped}`);
  }
  const window = ctx.policy.alertCorrelationSeconds;
  if (window <= 0) return isolateFailingStamp(ctx, { ...stamp, health });
  if (stamp.deadlines.isolationDecisionAt !== undefined) {
    return update(
      ctx,
      { health },
      `${stamp.id}: isolation already due at ${stamp.deadlines.isolationDecisionAt}${clamped}`,
    );
  }
  // Alerts fired together are judged together: wait for the others before deciding.
  const due = addMinutes(ctx.now, window / 60);
  return update(
    ctx,
    { health, deadlines: { ...stamp.deadlines, isolationDecisionAt: due } },
    `${stamp.id} probe failing; isolation decided at ${due}${clamped}`,
    [],
  );
}

/** The correlation window ended: decide the isolation with every alert seen meanwhile. */
export function onIsolationDecisionDue(ctx: DecideContext<EventOf<'IsolationDecisionDue'>>): Decision {
  const { stamp, now } = ctx;
  const due = stamp.deadlines.isolationDecisionAt;
  if (stamp.phase !== 'active' || due === undefined) {
    return ignore('stale-timer', `${stamp.id} is ${stamp.phase}; no isolation decision is due`);
  }
  if (isBefore(now, due))
    return ignore('stale-timer', `the isolation of ${stamp.id} is decided at ${due}, not at ${now}`);
  const { isolationDecisionAt: _decided, ...deadlines } = stamp.deadlines;
  const settled: Stamp = { ...stamp, deadlines };
  if (stamp.traffic !== 'in-rotation' || stamp.health.probe !== 'failing') {
    return update(
      { ...ctx, stamp: settled },
      {},
      `${stamp.id} recovered or left rotation before its isolation was decided`,
    );
  }
  return isolateFailingStamp({ ...ctx, stamp: settled }, settled);
}

function withoutHold(health: StampHealth): StampHealth {
  const { heldBy: _released, ...rest } = health;
  return rest;
}

function withoutDecision(deadlines: StampDeadlines): StampDeadlines {
  const { isolationDecisionAt: _decided, ...rest } = deadlines;
  return rest;
}

/** How long a held isolation waits before the guards are asked again. */
export const ISOLATION_RECHECK_MINUTES = 5;

/**
 * A guard holds the isolation back: the failing probe is recorded, the guards are asked again
 * in a few minutes (the storm may pass, a replacement may come), and an incident is raised the
 * first time a guard holds it, not at every re-check.
 */
function holdIsolation(
  ctx: DecideContext,
  failing: Stamp,
  guard: 'blast-radius' | 'min-in-rotation',
  reason: string,
): Decision {
  const recheckAt = addMinutes(ctx.now, ISOLATION_RECHECK_MINUTES);
  const firstHold = failing.health.heldBy !== guard;
  return refuse(
    ctx,
    guard,
    reason,
    {
      health: { ...failing.health, heldBy: guard },
      deadlines: { ...failing.deadlines, isolationDecisionAt: recheckAt },
    },
    [
      ...(firstHold
        ? [{ kind: 'raise-incident' as const, stampId: failing.id, incident: guard, detail: reason }]
        : []),
    ],
  );
}

/**
 * Decides whether a stamp whose probe is failing can be isolated now. Shared by the alert itself
 * and by a replacement becoming active, which may lift the minimum-in-rotation guard.
 */
function isolateFailingStamp(ctx: DecideContext, failing: Stamp): Decision {
  const { fleet, policy, now } = ctx;
  const assessment = assessHealthFailure(memberOf(failing), fleet, policy);
  if (assessment.kind === 'blast-radius')
    return holdIsolation(ctx, failing, 'blast-radius', assessment.detail);
  const outage = assessment.kind === 'region-outage';
  if (!outage) {
    const guard = checkMinInRotation(failing.id, failing.region, fleet, policy);
    if (!guard.ok) return holdIsolation(ctx, failing, 'min-in-rotation', guard.reason);
  }
  const isolation: IsolationState = { by: outage ? 'region-outage' : 'alert', at: now };
  return transition(ctx, 'active', {
    traffic: 'isolated',
    patch: {
      health: withoutHold(failing.health),
      isolation,
      deadlines: {
        ...withoutDecision(failing.deadlines),
        isolationGraceEndsAt: addMinutes(now, policy.isolationGraceMinutes),
      },
    },
    effects: [{ kind: 'disable-origin', stampId: failing.id }],
  });
}

export function onHealthProbeRecovered(ctx: DecideContext<EventOf<'HealthProbeRecovered'>>): Decision {
  const { stamp, event, now } = ctx;
  const applied = applyToActive(ctx);
  if (isDecision(applied)) return applied;
  const { health, clamped } = applied;
  if (health.probe === 'failing') {
    // Another alert still fires: one resolved alert does not make the stamp healthy.
    const firing =
      applied.stillFiring.length > 0
        ? `${applied.stillFiring.join(', ')} still firing`
        : `an alert that could not be remembered (the alert memory was full at ${health.overflowAt ?? now}) may still fire`;
    return update(ctx, { health }, `${stamp.id}: alert ${event.alertId} resolved, ${firing}${clamped}`);
  }
  if (stamp.deadlines.isolationDecisionAt !== undefined && stamp.traffic === 'in-rotation') {
    const { isolationDecisionAt: _cancelled, ...deadlines } = stamp.deadlines;
    return update(
      ctx,
      { health, deadlines },
      `${stamp.id} probe recovered before its isolation was decided${clamped}`,
      [],
    );
  }
  const graceEnd = stamp.deadlines.isolationGraceEndsAt;
  const rejoins =
    stamp.traffic === 'isolated' &&
    stamp.isolation !== undefined &&
    // An operator's isolation and a canary's verdict are not undone by a probe recovering.
    (stamp.isolation.by === 'alert' || stamp.isolation.by === 'region-outage') &&
    graceEnd !== undefined &&
    isBefore(health.observedAt ?? now, graceEnd);
  if (!rejoins) {
    return update(ctx, { health }, `${stamp.id} probe recovered; traffic stays ${stamp.traffic}${clamped}`);
  }
  const { isolationGraceEndsAt: _ended, ...deadlines } = stamp.deadlines;
  return transition(ctx, 'active', {
    traffic: 'in-rotation',
    // Back in rotation: a replacement placed meanwhile no longer replaces it (the fleet
    // reconciler retires the surplus), so the link goes.
    patch: { health, deadlines, isolation: undefined, replacedBy: undefined },
    effects: [{ kind: 'enable-origin', stampId: stamp.id }],
  });
}

export function onIsolationGraceExpired(ctx: DecideContext<EventOf<'IsolationGraceExpired'>>): Decision {
  const { stamp, now, policy } = ctx;
  const graceEnd = stamp.deadlines.isolationGraceEndsAt;
  if (stamp.phase !== 'active' || stamp.traffic !== 'isolated' || graceEnd === undefined) {
    return ignore(
      'stale-timer',
      `${stamp.id} is ${stamp.phase}/${stamp.traffic}; no isolation grace is running`,
    );
  }
  if (!isAtOrAfter(now, graceEnd)) {
    return ignore('stale-timer', `the isolation grace of ${stamp.id} ends at ${graceEnd}, not at ${now}`);
  }
  const { isolationGraceEndsAt: _ended, ...deadlines } = stamp.deadlines;
  const drainEndsAt = addMinutes(now, policy.drainMinutes);
  return transition(ctx, 'draining', {
    patch: {
      deadlines: { ...deadlines, drainEndsAt },
      drain: {
        id: `drain-${ctx.event.id}`,
        reason: 'isolation grace expired',
        startedAt: now,
        endsAt: drainEndsAt,
      },
    },
  });
}

export function onReplacementActive(ctx: DecideContext<EventOf<'ReplacementActive'>>): Decision {
  const { stamp, event } = ctx;
  if (stamp.phase !== 'active' || stamp.traffic !== 'in-rotation' || stamp.health.probe !== 'failing') {
    return ignore(
      'not-applicable',
      `${stamp.id} is ${stamp.phase}/${stamp.traffic}; no isolation is waiting for ${event.replacementId}`,
    );
  }
  return isolateFailingStamp(ctx, { ...stamp, replacedBy: stamp.replacedBy ?? event.replacementId });
}

export function onIsolateRequested(ctx: DecideContext<EventOf<'IsolateRequested'>>): Decision {
  const { stamp, event, fleet, policy, now } = ctx;
  if (event.reason.trim() === '') {
    return refuse(ctx, 'input', 'an isolation needs a reason, which goes into the audit record');
  }
  if (stamp.phase !== 'active' || stamp.traffic !== 'in-rotation') {
    return refuse(
      ctx,
      'transition-table',
      `${stamp.id} is ${stamp.phase}/${stamp.traffic}; only an active stamp in rotation can be isolated`,
    );
  }
  const guard = checkMinInRotation(stamp.id, stamp.region, fleet, policy);
  let cause = ctx.cause;
  if (!guard.ok) {
    if (!overrides(event)) return refuse(ctx, guard.guard, guard.reason);
    cause = { ...cause, overriddenGuard: guard.guard };
  }
  return transition({ ...ctx, cause }, 'active', {
    traffic: 'isolated',
    patch: { isolation: { by: 'operator', at: now, requestedBy: who(event) } },
    effects: [{ kind: 'disable-origin', stampId: stamp.id }],
  });
}
