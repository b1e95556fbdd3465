import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  addDays,
  type AuditRecord,
  capacityCounts,
  decide,
  type Decision,
  DEFAULT_POLICY,
  effectSchema,
  type FleetMember,
  guardViewOf,
  isAtOrAfter,
  isLegalTransition,
  newStamp,
  placeStamp,
  planFleet,
  RECONCILER_ACTOR,
  type Stamp,
  type StampEvent,
  stampEventSchema,
  stampSchema,
} from '../../../shared/lifecycle';
import { memberOf } from '../../../shared/lifecycle/decide/context';
import { at } from './support/fixtures';

/**
 * A model fleet driven by random event sequences: duplicates, reordered and flapping alerts,
 * timers at random times, operator requests with and without overrides. After every step the
 * invariants of docs/architecture.md §3 and §4 must hold.
 */

type Step =
  | { kind: 'natural'; stamp: number; variant: number; minutes: number; alertAge: number }
  | { kind: 'random'; stamp: number; event: number; variant: number; minutes: number; alertAge: number }
  | { kind: 'replay'; back: number }
  | { kind: 'create'; region: number; allowOther: boolean; minutes: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('natural' as const),
      stamp: fc.nat(11),
      variant: fc.nat(9),
      minutes: fc.nat(90),
      alertAge: fc.nat(30),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      stamp: fc.nat(11),
      event: fc.nat(17),
      variant: fc.nat(9),
      minutes: fc.nat(60 * 24 * 12),
      alertAge: fc.nat(30),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.nat(8) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      region: fc.nat(3),
      allowOther: fc.boolean(),
      minutes: fc.nat(30),
    }),
  },
);

const REGIONS = DEFAULT_POLICY.regions;
const policy = DEFAULT_POLICY;

class Model {
  readonly stamps = new Map<string, Stamp>();
  readonly audits = new Map<string, AuditRecord[]>();
  readonly history: { stampId: string; event: StampEvent }[] = [];
  readonly lastSeq = new Map<string, number>();
  now = at(0);
  /** Each region's desired count: the seed's two, raised by the stamps the steps ask for. */
  readonly desired: Record<string, number> = Object.fromEntries(REGIONS.map((r) => [r.name, 2]));
  private eventCounter = 0;
  private reconciling = false;
  private started = false;

  constructor() {
    for (const region of REGIONS) {
      const count = region.name === 'westeurope' ? 2 : 2;
      for (let i = 0; i < count; i += 1) this.create(region.name, false, undefined);
    }
    // Bring the starting fleet into service.
    for (const stamp of [...this.stamps.values()]) {
      this.apply(stamp.id, {
        type: 'DeploymentSucceeded',
        id: this.nextId(),
        originHostName: `${stamp.id}.example.net`,
      });
      this.apply(stamp.id, { type: 'OriginHealthy', id: this.nextId() });
    }
    this.started = true;
  }

  nextId(): string {
    this.eventCounter += 1;
    return `ev-${this.eventCounter}`;
  }

  fleet(): { members: FleetMember[] } {
    return {
      members: [...this.stamps.values()]
        .filter((s) => s.phase !== 'archived' && s.phase !== 'purged')
        .map(memberOf),
    };
  }

  create(
    region: string,
    allowOther: boolean,
    replacementFor: Stamp | undefined,
    planned = false,
  ): string | undefined {
    const placement = placeStamp(
      {
        region,
        allowOtherRegions: allowOther,
        ...(replacementFor === undefined && !planned ? {} : { replacement: { excludeRegions: [] } }),
      },
      this.fleet(),
      policy,
    );
    if (placement.kind !== 'placed') return undefined;
    const code = placement.region.code;
    const seq = (this.lastSeq.get(code) ?? 0) + 1;
    this.lastSeq.set(code, seq);
    const id = `${code}-${String(seq).padStart(3, '0')}`;
    const created = newStamp({
      id,
      region: placement.region.name,
      now: this.now,
      cause: { kind: 'system', eventId: this.nextId(), reason: 'model' },
      ...(replacementFor === undefined ? {} : { replacementFor: replacementFor.id }),
    });
    this.stamps.set(id, created.stamp);
    this.audits.set(id, [created.audit]);
    if (replacementFor !== undefined)
      this.stamps.set(replacementFor.id, { ...replacementFor, replacedBy: id });
    this.checkCapacity(replacementFor !== undefined || planned);
    if (!planned && this.started) {
      const name = placement.region.name;
      this.desired[name] = Math.min(placement.region.max, (this.desired[name] ?? 0) + 1);
    }
    return id;
  }

  apply(stampId: string, event: StampEvent): Decision {
    const before = this.stamps.get(stampId);
    if (before === undefined) throw new Error(`no stamp ${stampId}`);
    const fleetBefore = this.fleet();
    const decision = decide(before, event, policy, this.now, guardViewOf(fleetBefore.members));
    this.history.push({ stampId, event });
    checkDecision(before, event, decision, this.now, fleetBefore.members);
    if (decision.outcome === 'ignored') return decision;
    this.stamps.set(stampId, decision.stamp);
    if (decision.outcome !== 'updated' && decision.audit !== undefined)
      this.audits.get(stampId)?.push(decision.audit);
    for (const effect of decision.effects) {
      if (effect.kind === 'reconcile-fleet') this.reconcile();
      if (effect.kind === 'notify-replaced-stamp' && this.stamps.has(effect.replacedStampId)) {
        this.apply(effect.replacedStampId, {
          type: 'ReplacementActive',
          id: this.nextId(),
          replacementId: stampId,
        });
      }
    }
    return decision;
  }

  /** The fleet reconciler, as the app runs it: the pure plan, carried out at once. */
  reconcile(): void {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      const plan = planFleet({ desired: this.desired, members: this.fleet().members }, policy);
      for (const action of plan.actions) {
        if (action.kind === 'place') this.create(action.region, false, undefined, true);
        if (action.kind === 'retire')
          this.apply(action.stampId, {
            type: 'DrainRequested',
            id: this.nextId(),
            source: 'reconciler',
            actor: RECONCILER_ACTOR,
            reason: action.reason,
          });
      }
    } finally {
      this.reconciling = false;
    }
  }

  checkCapacity(replacement: boolean): void {
    const counts = capacityCounts(this.fleet());
    const surge = replacement ? policy.replacementSurgePerRegion : 0;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.ok(total <= policy.totalMax + policy.replacementSurgePerRegion * REGIONS.length, `total ${total}`);
    for (const region of REGIONS) {
      assert.ok(
        (counts.get(region.name) ?? 0) <= region.max + Math.max(surge, policy.replacementSurgePerRegion),
        `${region.name} over capacity`,
      );
    }
  }
}

function inRotation(members: readonly FleetMember[], region: string): number {
  return members.filter((m) => m.region === region && m.phase === 'active' && m.traffic === 'in-rotation')
    .length;
}

function checkDecision(
  before: Stamp,
  event: StampEvent,
  decision: Decision,
  now: string,
  fleetBefore: readonly FleetMember[],
): void {
  if (decision.outcome === 'ignored') return;
  const after = decision.stamp;
  assert.ok(stampSchema.safeParse(after).success, 'every stored state is a valid stamp');
  for (const effect of decision.effects) {
    assert.ok(
      effectSchema.safeParse(effect).success,
      `effect ${effect.kind} matches the stored-effect schema`,
    );
  }
  assert.ok(stampEventSchema.safeParse(event).success, `event ${event.type} matches the stored-event schema`);
  assert.equal(
    after.traffic !== 'none',
    after.phase === 'active',
    `traffic ${after.traffic} in phase ${after.phase}`,
  );
  if (decision.outcome !== 'transition') {
    assert.equal(after.phase, before.phase, 'only a transition changes the phase');
    assert.equal(after.traffic, before.traffic, 'only a transition changes the traffic');
    // A refused request is audited (one record, phase unchanged); nothing else writes one.
    const audited = decision.outcome === 'refused' && decision.audit !== undefined;
    assert.equal(
      after.auditSeq,
      before.auditSeq + (audited ? 1 : 0),
      'an audit record only for a transition or a refused request',
    );
    return;
  }
  assert.ok(
    isLegalTransition(before.phase, after.phase, event.type),
    `${before.phase} → ${after.phase} on ${event.type}`,
  );
  assert.ok(
    before.phase !== after.phase || before.traffic !== after.traffic,
    'a transition changes something',
  );
  assert.equal(after.auditSeq, before.auditSeq + 1, 'exactly one audit record per transition');
  assert.equal(decision.audit.seq, after.auditSeq);
  assert.equal(decision.effects.filter((e) => e.kind === 'publish-phase-changed').length, 1);

  if (after.phase === 'purged') {
    assert.ok(
      before.archivedAt !== undefined && isAtOrAfter(now, addDays(before.archivedAt, policy.retentionDays)),
      'nothing purged before retention',
    );
  }

  const leftRotation = before.traffic === 'in-rotation' && after.traffic !== 'in-rotation';
  if (leftRotation) {
    const others = fleetBefore.filter((m) => m.id !== before.id);
    const remaining = inRotation(others, before.region);
    const overridden = decision.audit.cause.overriddenGuard === 'min-in-rotation';
    const outage = after.isolation?.by === 'region-outage';
    assert.ok(
      remaining >= policy.minInRotationPerRegion || overridden || outage,
      `${before.region} left with ${remaining} in rotation`,
    );
    if (
      event.type === 'HealthProbeFailed' ||
      event.type === 'IsolationDecisionDue' ||
      event.type === 'ReplacementActive'
    ) {
      const base = [
        ...others.filter(
          (m) => m.phase === 'active' && (m.traffic === 'in-rotation' || m.probe === 'failing'),
        ),
        memberOf(before),
      ];
      const failingCount = base.filter((m) => m.probe === 'failing' || m.id === before.id).length;
      assert.ok(
        outage || failingCount * 100 <= policy.maxUnhealthyPercent * base.length,
        `isolated with ${failingCount}/${base.length} failing`,
      );
    }
  }
}

function naturalEvent(model: Model, stamp: Stamp, variant: number, alertAge: number): StampEvent {
  const id = model.nextId();
  const observedAt = new Date(Date.parse(model.now) - alertAge * 60_000).toISOString();
  const alertId = `alert-${stamp.id}`;
  switch (stamp.phase) {
    case 'provisioning':
      return variant === 0
        ? { type: 'DeploymentFailed', id, error: 'boom' }
        : { type: 'DeploymentSucceeded', id, originHostName: `${stamp.id}.example.net` };
    case 'registering':
      return variant === 0 ? { type: 'RegistrationTimedOut', id } : { type: 'OriginHealthy', id };
    case 'active':
      if (variant < 3) return { type: 'HealthProbeFailed', id, alertId, observedAt };
      // The correlation window's timer: the model fires it whenever it likes (early ones are ignored).
      if (variant < 5) return { type: 'IsolationDecisionDue', id };
      if (variant < 7) return { type: 'HealthProbeRecovered', id, alertId, observedAt };
      if (variant < 8) return { type: 'IsolationGraceExpired', id };
      return {
        type: 'DrainRequested',
        id,
        source: variant === 8 ? 'reconciler' : 'operator',
        actor: 'model',
        reason: 'model',
      };
    case 'draining':
      return variant < 5
        ? { type: 'DrainTimerFired', id, drainId: stamp.drain?.id ?? 'none' }
        : { type: 'InFlightDrained', id, drainId: stamp.drain?.id ?? 'none' };
    case 'quarantined':
      return variant < 7
        ? { type: 'QuarantineChecksCompleted', id, passed: variant !== 0, detail: 'model' }
        : { type: 'QuarantineApproved', id, actor: 'model', reason: 'model', override: variant === 9 };
    case 'decommissioning':
      return { type: 'DecommissionCompleted', id };
    case 'archived':
      return { type: 'RetentionElapsed', id };
    case 'failed':
      return { type: 'CleanupRequested', id, actor: 'model', reason: 'model' };
    case 'purged':
      return { type: 'RetentionElapsed', id };
  }
}

function randomEvent(
  model: Model,
  stamp: Stamp,
  index: number,
  variant: number,
  alertAge: number,
): StampEvent {
  const id = model.nextId();
  const observedAt = new Date(Date.parse(model.now) - alertAge * 60_000).toISOString();
  const op = { actor: 'model', reason: variant % 3 === 0 ? '' : 'because', override: variant % 2 === 0 };
  const events: StampEvent[] = [
    { type: 'DeploymentSucceeded', id, originHostName: 'h' },
    { type: 'DeploymentFailed', id, error: 'e' },
    { type: 'OriginHealthy', id },
    { type: 'RegistrationTimedOut', id },
    { type: 'HealthProbeFailed', id, alertId: 'a', observedAt },
    { type: 'HealthProbeRecovered', id, alertId: 'a', observedAt },
    { type: 'IsolationDecisionDue', id },
    { type: 'IsolationGraceExpired', id },
    { type: 'ReplacementActive', id, replacementId: 'x-001' },
    { type: 'IsolateRequested', id, ...op },
    { type: 'DrainRequested', id, source: 'operator', drainMinutes: variant * 10, ...op },
    { type: 'DrainTimerFired', id, drainId: variant % 2 === 0 ? (stamp.drain?.id ?? 'd') : 'stale' },
    { type: 'InFlightDrained', id, drainId: stamp.drain?.id ?? 'd' },
    { type: 'QuarantineChecksCompleted', id, passed: variant % 2 === 0, detail: 'd' },
    { type: 'QuarantineApproved', id, ...op },
    { type: 'DecommissionCompleted', id },
    { type: 'RetentionElapsed', id },
    { type: 'CleanupRequested', id, ...op },
    // The ramp: a bake ending, the comparison it asked for (within its peers or far worse), and
    // an operator's pause, continue and skip; a spare's promotion.
    { type: 'RampStepDue', id },
    {
      type: 'CanaryCompared',
      id,
      step: stamp.ramp?.step ?? 0,
      dueAt: stamp.ramp?.comparing ?? model.now,
      comparison: {
        from: model.now,
        to: model.now,
        stamp: { requests: 500, errorPercent: variant % 2 === 0 ? 0.1 : 30, latencyMs: 80 },
        peers: { stampIds: ['x-002'], requests: 5000, errorPercent: 0.1, latencyMs: 80 },
      },
    },
    { type: 'RampPauseRequested', id, ...op },
    { type: 'RampContinueRequested', id, ...op },
    { type: 'RampSkipRequested', id, ...op },
    { type: 'PromotionRequested', id, reason: 'model' },
  ];
  return events[index % events.length] ?? { type: 'OriginHealthy', id };
}

function run(steps: Step[]): Model {
  const model = new Model();
  for (const step of steps) {
    const ids = [...model.stamps.keys()];
    if (step.kind === 'create') {
      model.now = new Date(Date.parse(model.now) + step.minutes * 60_000).toISOString();
      const region = REGIONS[step.region % REGIONS.length];
      if (region !== undefined) model.create(region.name, step.allowOther, undefined);
      continue;
    }
    if (step.kind === 'replay') {
      const past = model.history[model.history.length - 1 - step.back];
      if (past === undefined) continue;
      const before = model.stamps.get(past.stampId);
      const decision = model.apply(past.stampId, past.event);
      // Within the remembered window, handling an event twice has no further effect.
      if (before !== undefined && before.processedEventIds.includes(past.event.id)) {
        assert.equal(decision.outcome, 'ignored', `replay of ${past.event.id} must be ignored`);
        assert.equal(decision.outcome === 'ignored' && decision.reason, 'duplicate-event');
      }
      continue;
    }
    const stampId = ids[step.stamp % ids.length];
    const stamp = stampId === undefined ? undefined : model.stamps.get(stampId);
    if (stamp === undefined) continue;
    model.now = new Date(Date.parse(model.now) + step.minutes * 60_000).toISOString();
    const event =
      step.kind === 'natural'
        ? naturalEvent(model, stamp, step.variant, step.alertAge)
        : randomEvent(model, stamp, step.event, step.variant, step.alertAge);
    model.apply(stamp.id, event);
  }
  return model;
}

describe('decide: properties over random event sequences', () => {
  it('no illegal transition, one audit record per transition, guards hold, nothing purged early', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 120 }), (steps) => {
        const model = run(steps);
        for (const [id, stamp] of model.stamps) {
          const audits = model.audits.get(id) ?? [];
          assert.deepEqual(
            audits.map((a) => a.seq),
            Array.from({ length: stamp.auditSeq }, (_, i) => i + 1),
            `audit log of ${id} is gap-free`,
          );
          assert.equal(audits.at(-1)?.to, stamp.phase, `the last audit record of ${id} names its phase`);
          for (let i = 1; i < audits.length; i += 1)
            assert.equal(audits[i]?.from, audits[i - 1]?.to, `audit chain of ${id}`);
        }
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });

  it('reaches every phase across runs (the model is not stuck at the start)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 50, maxLength: 150 }), (steps) => {
        const model = run(steps);
        for (const stamp of model.stamps.values()) seen.add(stamp.phase);
        for (const audits of model.audits.values()) {
          if (audits.some((a) => a.traffic?.to === 'isolated')) seen.add('isolated');
        }
      }),
      { numRuns: 100, seed: 7 },
    );
    assert.deepEqual(
      [...seen].sort(),
      [
        'active',
        'archived',
        'decommissioning',
        'draining',
        'failed',
        'isolated',
        'provisioning',
        'purged',
        'quarantined',
        'registering',
      ].sort(),
    );
  });
});
