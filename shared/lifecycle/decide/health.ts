import type { Decision } from '../decision';
import type { Effect } from '../effects';
import type { EventOf } from '../events';
import { assessHealthFailure } from '../guards/blastRadius';
import { checkMinInRotation } from '../guards/minInRotation';
import type { IsolationState, Stamp } from '../stamp';
import { addMinutes, isAtOrAfter, isBefore } from '../time';
import { type DecideContext, ignore, memberOf, overrides, refuse, transition, update } from './context';

/** Alerts arrive late, duplicated and out of order: only a newer observation counts (guard 5). */
function isStale(stamp: Stamp, observedAt: string): boolean {
  const last = stamp.health.observedAt;
  return last !== undefined && !isBefore(last, observedAt);
}

function replacementRequest(stamp: Stamp, excludeRegions: readonly string[]): Effect[] {
  if (stamp.replacedBy !== undefined) return [];
  return [{ kind: 'request-replacement', stampId: stamp.id, region: stamp.region, excludeRegions }];
}

export function onHealthProbeFailed(ctx: DecideContext<EventOf<'HealthProbeFailed'>>): Decision {
  const { stamp, event } = ctx;
  if (isStale(stamp, event.observedAt)) {
    return ignore(
      'stale-signal',
      `alert observed at ${event.observedAt} is not newer than ${stamp.health.observedAt}`,
    );
  }
  const health = { probe: 'failing' as const, observedAt: event.observedAt, alertId: event.alertId };
  if (stamp.phase !== 'active') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; health alerts act on active stamps only`);
  }
  if (stamp.traffic !== 'in-rotation') {
    return update(ctx, { health }, `${stamp.id} is already out of rotation; alert recorded`);
  }
  return isolateFailingStamp(ctx, { ...stamp, health });
}

/**
 * Decides whether a stamp whose probe is failing can be isolated now. Shared by the alert itself
 * and by a replacement becoming active, which may lift the minimum-in-rotation guard.
 */
function isolateFailingStamp(ctx: DecideContext, failing: Stamp): Decision {
  const { fleet, policy, now } = ctx;
  const assessment = assessHealthFailure(memberOf(failing), fleet, policy);
  if (assessment.kind === 'blast-radius') {
    return refuse(ctx, 'blast-radius', assessment.detail, { health: failing.health }, [
      { kind: 'raise-incident', stampId: failing.id, incident: 'blast-radius', detail: assessment.detail },
    ]);
  }
  const outage = assessment.kind === 'region-outage';
  if (!outage) {
    const guard = checkMinInRotation(failing.id, failing.region, fleet, policy);
    if (!guard.ok) {
      return refuse(ctx, guard.guard, guard.reason, { health: failing.health }, [
        ...replacementRequest(failing, []),
        { kind: 'raise-incident', stampId: failing.id, incident: 'min-in-rotation', detail: guard.reason },
      ]);
    }
  }
  const isolation: IsolationState = { by: outage ? 'region-outage' : 'alert', at: now };
  return transition(ctx, 'active', {
    traffic: 'isolated',
    patch: {
      health: failing.health,
      isolation,
      deadlines: {
        ...failing.deadlines,
        isolationGraceEndsAt: addMinutes(now, policy.isolationGraceMinutes),
      },
    },
    effects: [
      { kind: 'disable-origin', stampId: failing.id },
      ...replacementRequest(failing, outage ? [failing.region] : []),
      {
        kind: 'start-timer',
        stampId: failing.id,
        timer: 'isolation-grace',
        at: addMinutes(now, policy.isolationGraceMinutes),
      },
    ],
  });
}

export function onHealthProbeRecovered(ctx: DecideContext<EventOf<'HealthProbeRecovered'>>): Decision {
  const { stamp, event } = ctx;
  if (isStale(stamp, event.observedAt)) {
    return ignore(
      'stale-signal',
      `alert observed at ${event.observedAt} is not newer than ${stamp.health.observedAt}`,
    );
  }
  const health = { probe: 'healthy' as const, observedAt: event.observedAt, alertId: event.alertId };
  if (stamp.phase !== 'active') {
    return ignore('not-applicable', `${stamp.id} is ${stamp.phase}; health alerts act on active stamps only`);
  }
  const graceEnd = stamp.deadlines.isolationGraceEndsAt;
  const rejoins =
    stamp.traffic === 'isolated' &&
    stamp.isolation !== undefined &&
    stamp.isolation.by !== 'operator' &&
    graceEnd !== undefined &&
    isBefore(event.observedAt, graceEnd);
  if (!rejoins) {
    return update(ctx, { health }, `${stamp.id} probe recovered; traffic stays ${stamp.traffic}`);
  }
  const { isolationGraceEndsAt: _ended, ...deadlines } = stamp.deadlines;
  return transition(ctx, 'active', {
    traffic: 'in-rotation',
    patch: { health, deadlines, isolation: undefined },
    effects: [
      { kind: 'enable-origin', stampId: stamp.id },
      { kind: 'cancel-timer', stampId: stamp.id, timer: 'isolation-grace' },
    ],
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
    patch: { isolation: { by: 'operator', at: now } },
    effects: [{ kind: 'disable-origin', stampId: stamp.id }, ...replacementRequest(stamp, [])],
  });
}
