import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  type AuditRecord,
  decide,
  type EffectKind,
  type FleetMember,
  type LifecyclePolicy,
  type Phase,
  type Stamp,
  type StampEvent,
  stampSchema,
  type Traffic,
  TRANSITION_TABLE,
} from '../../../shared/lifecycle';
import { assertHeldByBlastRadius } from './support/assertions';
import {
  at,
  effectKinds,
  expectTransition,
  fleet,
  member,
  policyWith,
  seedFleet,
  stampIn,
  T0,
} from './support/fixtures';

interface TransitionCase {
  readonly name: string;
  readonly stamp: Stamp;
  readonly event: StampEvent;
  readonly now: string;
  readonly to: Phase;
  readonly traffic: Traffic;
  readonly effects: readonly EffectKind[];
  readonly fleet?: FleetMember[];
  readonly policy?: LifecyclePolicy;
  /** What the audit record holds besides the transition. */
  readonly audit?: Pick<AuditRecord, 'archive' | 'ramp'>;
  /** The canary verdict the audit record carries, for a comparison's cases. */
  readonly canaryVerdict?: 'within' | 'worse';
}

const RAMP_AT_1 = { step: 0, percent: 1, weight: 10, stepSince: T0, lowTrafficBakes: 0 } as const;

/** A canary comparison of weu-001 against weu-002..004 over the first ten minutes. */
function comparison(errorPercent: number, latencyMs: number) {
  return {
    from: T0,
    to: at(10),
    stamp: { requests: 200, errorPercent, latencyMs },
    peers: { stampIds: ['weu-002', 'weu-003', 'weu-004'], requests: 60000, errorPercent: 0.2, latencyMs: 80 },
  };
}

const ARCHIVE = {
  location: 'https://stsynaxisarchive.blob.core.windows.net/stamp-archives/stamps/weu-001/archive.json',
  digest: 'ab'.repeat(32),
  records: 7,
  retainUntil: at(30 * 24 * 60 + 12),
};

const operator = { actor: 'ana', reason: 'planned maintenance' };

/** A registering weu-001 whose origin became healthy; `effects` before the fleet's and the notification. */
function originHealthy(
  name: string,
  overrides: Partial<Stamp>,
  traffic: Traffic,
  expected: { effects: EffectKind[]; audit?: TransitionCase['audit']; policy?: LifecyclePolicy },
): TransitionCase {
  return {
    name,
    stamp: stampIn('registering', overrides),
    event: { type: 'OriginHealthy', id: 'e1' },
    now: at(5),
    to: 'active',
    traffic,
    effects: [...expected.effects, 'reconcile-fleet', 'publish-phase-changed'],
    ...(expected.audit === undefined ? {} : { audit: expected.audit }),
    ...(expected.policy === undefined ? {} : { policy: expected.policy }),
  };
}

/** The canary comparison of weu-001's first ramp step (5xx `errorPercent`, 80 ms) with its seed peers. */
function canaryCase(
  name: string,
  errorPercent: number,
  dueAt: string,
  expected: Pick<TransitionCase, 'traffic' | 'effects' | 'audit' | 'canaryVerdict'>,
): TransitionCase {
  return {
    name,
    // The bake that ended at 00:10 asked for this comparison; its retry timer runs meanwhile.
    stamp: stampIn('active', {
      ramp: { ...RAMP_AT_1, comparing: at(10) },
      deadlines: { rampStepDueAt: dueAt },
    }),
    event: {
      type: 'CanaryCompared',
      id: 'e1',
      step: 0,
      dueAt: at(10),
      comparison: comparison(errorPercent, 80),
    },
    now: at(10),
    to: 'active',
    fleet: seedFleet(),
    ...expected,
  };
}

/** An operator cancels weu-001's drain; `effects` come before the drain timer's cancel and the rest. */
function drainCancelled(
  name: string,
  overrides: Partial<Stamp>,
  traffic: Traffic,
  effects: EffectKind[],
): TransitionCase {
  return {
    name,
    stamp: stampIn('draining', {
      traffic: 'none',
      drain: { id: 'drain-1', reason: 'r', startedAt: at(0), endsAt: at(30) },
      deadlines: { drainEndsAt: at(30) },
      ...overrides,
    }),
    event: { type: 'DrainCancelRequested', id: 'e1', ...operator },
    now: at(5),
    to: 'active',
    traffic,
    effects: [...effects, 'cancel-drain-timer', 'reconcile-fleet', 'publish-phase-changed'],
  };
}

/** An operator's ramp command on weu-001 ramping at 1% (its bake running unless `ramp` pauses it). */
function rampCommand(
  name: string,
  type: 'RampPauseRequested' | 'RampContinueRequested' | 'RampSkipRequested',
  ramp: Partial<Stamp['ramp']>,
  effects: EffectKind[],
  moved: NonNullable<TransitionCase['audit']>['ramp'] = {
    from: 1,
    to: 1,
    weight: 10,
    paused: type === 'RampPauseRequested',
  },
): TransitionCase {
  const paused = ramp?.paused !== undefined;
  return {
    name,
    stamp: stampIn('active', {
      ramp: { ...RAMP_AT_1, ...ramp },
      deadlines: paused ? {} : { rampStepDueAt: at(10) },
    }),
    event: { type, id: 'e1', ...operator },
    now: at(5),
    to: 'active',
    traffic: 'in-rotation',
    effects: [...effects, 'publish-phase-changed'],
    audit: { ramp: moved },
  };
}

const CASES: readonly TransitionCase[] = [
  {
    name: 'provisioning → registering when the deployment succeeded',
    stamp: stampIn('provisioning'),
    event: { type: 'DeploymentSucceeded', id: 'e1', originHostName: 'weu-001.stamps.example.net' },
    now: at(20),
    to: 'registering',
    traffic: 'none',
    effects: ['register-origin', 'start-timer', 'publish-phase-changed'],
  },
  {
    name: 'provisioning → failed when the deployment failed',
    stamp: stampIn('provisioning'),
    event: { type: 'DeploymentFailed', id: 'e1', error: 'QuotaExceeded' },
    now: at(20),
    to: 'failed',
    traffic: 'none',
    effects: ['raise-incident', 'reconcile-fleet', 'publish-phase-changed'],
  },
  originHealthy('registering → active when the origin is healthy', {}, 'in-rotation', {
    effects: ['set-origin-weight', 'enable-origin', 'cancel-timer', 'start-timer'],
    audit: { ramp: { from: null, to: 1, weight: 10 } },
  }),
  originHealthy('registering → active at full weight when the policy has no ramp', {}, 'in-rotation', {
    effects: ['set-origin-weight', 'enable-origin', 'cancel-timer'],
    policy: policyWith({ ramp: { ...policyWith().ramp, stepsPercent: [100] } }),
  }),
  originHealthy(
    'registering spare → active on standby when the origin is healthy, its origin left disabled',
    { spare: { since: T0 } },
    'standby',
    { effects: ['cancel-timer'] },
  ),
  {
    name: 'active spare on standby → in rotation, ramping, when the reconciler promotes it',
    stamp: stampIn('active', { traffic: 'standby', spare: { since: T0 } }),
    event: {
      type: 'PromotionRequested',
      id: 'e1',
      reason: 'westeurope serves 3 of 4',
      replacementFor: 'weu-002',
    },
    now: at(5),
    to: 'active',
    traffic: 'in-rotation',
    effects: [
      'set-origin-weight',
      'enable-origin',
      'notify-replaced-stamp',
      'start-timer',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
    audit: { ramp: { from: null, to: 1, weight: 10 } },
  },
  // The bake's retry timer (armed when the step was due) is moved to the next step's end.
  canaryCase('active ramping → the next step when the canary is within its peers', 0.2, at(15), {
    traffic: 'in-rotation',
    effects: ['set-origin-weight', 'start-timer', 'publish-phase-changed'],
    audit: { ramp: { from: 1, to: 10, weight: 100 } },
    canaryVerdict: 'within',
  }),
  canaryCase('active ramping → isolated when the canary is worse than its peers', 9, at(20), {
    traffic: 'isolated',
    effects: [
      'disable-origin',
      'raise-incident',
      'start-timer',
      'cancel-timer',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
    audit: { ramp: { from: 1, to: 1, weight: 10 } },
    canaryVerdict: 'worse',
  }),
  {
    name: 'active ramping → paused by the canary check when its figures could not be read for three bakes',
    stamp: stampIn('active', {
      ramp: { ...RAMP_AT_1, comparing: at(20), unread: 2 },
      deadlines: { rampStepDueAt: at(30) },
    }),
    event: { type: 'RampStepDue', id: 'e1' },
    now: at(30),
    to: 'active',
    traffic: 'in-rotation',
    effects: ['raise-incident', 'cancel-timer', 'publish-phase-changed'],
    audit: { ramp: { from: 1, to: 1, weight: 10, paused: true } },
  },
  rampCommand('active ramping → paused when an operator pauses the ramp', 'RampPauseRequested', {}, [
    'cancel-timer',
  ]),
  rampCommand(
    'active ramp paused → baking again when an operator continues it',
    'RampContinueRequested',
    { paused: { at: T0, actor: 'ana', reason: 'look' } },
    ['start-timer'],
  ),
  rampCommand(
    'active ramping → full weight when an operator skips the ramp',
    'RampSkipRequested',
    {},
    ['set-origin-weight', 'cancel-timer'],
    { from: 1, to: 100, weight: 1000 },
  ),
  {
    name: 'registering → failed when registration timed out',
    stamp: stampIn('registering'),
    event: { type: 'RegistrationTimedOut', id: 'e1' },
    now: at(15),
    to: 'failed',
    traffic: 'none',
    effects: ['remove-origin', 'raise-incident', 'cancel-timer', 'reconcile-fleet', 'publish-phase-changed'],
  },
  {
    name: 'active in rotation → isolated on a health-probe failure',
    stamp: stampIn('active'),
    event: { type: 'HealthProbeFailed', id: 'e1', alertId: 'a1', observedAt: at(1) },
    now: at(2),
    to: 'active',
    traffic: 'isolated',
    effects: ['disable-origin', 'start-timer', 'reconcile-fleet', 'publish-phase-changed'],
    fleet: seedFleet(),
  },
  {
    name: 'active in rotation → isolated when the alert correlation window ends with the probe still failing',
    stamp: stampIn('active', {
      health: { probe: 'failing', observedAt: at(1), alertId: 'a1' },
      deadlines: { isolationDecisionAt: at(2) },
    }),
    event: { type: 'IsolationDecisionDue', id: 'e1' },
    now: at(2),
    to: 'active',
    traffic: 'isolated',
    effects: ['disable-origin', 'start-timer', 'reconcile-fleet', 'publish-phase-changed'],
    fleet: seedFleet(),
    policy: policyWith({ alertCorrelationSeconds: 60 }),
  },
  {
    name: 'active isolated → in rotation when the alert resolves within the grace',
    stamp: stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'alert', at: at(2) },
      health: { probe: 'failing', observedAt: at(1), alertId: 'a1' },
      deadlines: { isolationGraceEndsAt: at(17) },
      replacedBy: 'weu-005',
    }),
    event: { type: 'HealthProbeRecovered', id: 'e2', alertId: 'a1', observedAt: at(10) },
    now: at(11),
    to: 'active',
    traffic: 'in-rotation',
    effects: ['enable-origin', 'cancel-timer', 'reconcile-fleet', 'publish-phase-changed'],
    fleet: seedFleet(),
  },
  {
    name: 'active in rotation → isolated on an operator request',
    stamp: stampIn('active'),
    event: { type: 'IsolateRequested', id: 'e1', ...operator },
    now: at(1),
    to: 'active',
    traffic: 'isolated',
    effects: ['disable-origin', 'reconcile-fleet', 'publish-phase-changed'],
    fleet: seedFleet(),
  },
  {
    name: 'active in rotation → isolated once a replacement is active (min-in-rotation lifted)',
    stamp: stampIn('active', {
      id: 'sea-001',
      region: 'southeastasia',
      health: { probe: 'failing', observedAt: at(1), alertId: 'a1' },
      replacedBy: 'sea-004',
    }),
    event: { type: 'ReplacementActive', id: 'e2', replacementId: 'sea-004' },
    now: at(30),
    to: 'active',
    traffic: 'isolated',
    effects: ['disable-origin', 'start-timer', 'reconcile-fleet', 'publish-phase-changed'],
    fleet: [
      member('sea-001', 'southeastasia', { probe: 'failing' }),
      member('sea-004', 'southeastasia'),
      member('weu-001', 'westeurope'),
    ],
  },
  {
    name: 'active → draining on an operator drain',
    stamp: stampIn('active'),
    event: { type: 'DrainRequested', id: 'e1', source: 'operator', ...operator },
    now: at(1),
    to: 'draining',
    traffic: 'none',
    effects: [
      'disable-origin',
      'schedule-drain-timer',
      'watch-in-flight',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
    fleet: seedFleet(),
  },
  {
    name: 'active isolated → draining when the isolation grace expired',
    stamp: stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'alert', at: at(2) },
      health: { probe: 'failing', observedAt: at(1), alertId: 'a1' },
      deadlines: { isolationGraceEndsAt: at(17) },
    }),
    event: { type: 'IsolationGraceExpired', id: 'e2' },
    now: at(17),
    to: 'draining',
    traffic: 'none',
    effects: [
      'disable-origin',
      'schedule-drain-timer',
      'watch-in-flight',
      'cancel-timer',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
    fleet: seedFleet(),
  },
  {
    name: 'draining → quarantined when the drain timer fires',
    stamp: stampIn('draining'),
    event: { type: 'DrainTimerFired', id: 'e1', drainId: 'drain-1' },
    now: at(30),
    to: 'quarantined',
    traffic: 'none',
    effects: [
      'cancel-drain-timer',
      'remove-origin',
      'preserve-diagnostics',
      'run-quarantine-checks',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
  },
  {
    name: 'draining → quarantined when in-flight requests reach zero',
    stamp: stampIn('draining'),
    event: { type: 'InFlightDrained', id: 'e1', drainId: 'drain-1' },
    now: at(12),
    to: 'quarantined',
    traffic: 'none',
    effects: [
      'cancel-drain-timer',
      'remove-origin',
      'preserve-diagnostics',
      'run-quarantine-checks',
      'reconcile-fleet',
      'publish-phase-changed',
    ],
  },
  {
    name: 'quarantined → decommissioning when the automatic checks pass',
    stamp: stampIn('quarantined'),
    event: {
      type: 'QuarantineChecksCompleted',
      id: 'e1',
      passed: true,
      detail: 'logs and metrics preserved',
    },
    now: at(6),
    to: 'decommissioning',
    traffic: 'none',
    effects: ['delete-workloads', 'publish-phase-changed'],
  },
  {
    name: 'quarantined → decommissioning when an operator approves checks that passed',
    stamp: stampIn('quarantined', { quarantine: { checks: 'passed', checkedAt: at(5) } }),
    event: { type: 'QuarantineApproved', id: 'e1', actor: 'ana', reason: 'looked fine' },
    now: at(6),
    to: 'decommissioning',
    traffic: 'none',
    effects: ['delete-workloads', 'publish-phase-changed'],
    policy: policyWith({ quarantine: { autoVerify: true, requireHumanApproval: true, fourEyes: true } }),
  },
  {
    name: 'decommissioning → archived when the workloads are deleted',
    stamp: stampIn('decommissioning'),
    event: { type: 'DecommissionCompleted', id: 'e1' },
    now: at(12),
    to: 'archived',
    traffic: 'none',
    effects: ['archive-records', 'schedule-purge', 'publish-phase-changed'],
  },
  {
    name: 'archived → archived when its records were archived: where and the digest go on record',
    stamp: stampIn('archived', { deadlines: { purgeDueAt: ARCHIVE.retainUntil } }),
    event: { type: 'RecordsArchived', id: 'e1', ...ARCHIVE },
    now: at(13),
    to: 'archived',
    traffic: 'none',
    effects: ['publish-phase-changed'],
    audit: { archive: ARCHIVE },
  },
  {
    name: 'archived → purged once retention has elapsed',
    stamp: stampIn('archived'),
    event: { type: 'RetentionElapsed', id: 'e1' },
    now: at(30 * 24 * 60),
    to: 'purged',
    traffic: 'none',
    effects: ['remove-origin', 'delete-resource-group', 'unschedule-purge', 'publish-phase-changed'],
  },
  {
    name: 'failed → decommissioning on an operator cleanup',
    stamp: stampIn('failed'),
    event: { type: 'CleanupRequested', id: 'e1', ...operator },
    now: at(60),
    to: 'decommissioning',
    traffic: 'none',
    effects: ['delete-workloads', 'reconcile-fleet', 'publish-phase-changed'],
  },
  {
    name: 'active isolated → in rotation when an operator rejoins it',
    stamp: stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'operator', at: at(0) },
      deadlines: { isolationGraceEndsAt: at(15) },
    }),
    event: { type: 'RejoinRequested', id: 'e1', ...operator },
    now: at(5),
    to: 'active',
    traffic: 'in-rotation',
    effects: ['enable-origin', 'cancel-timer', 'reconcile-fleet', 'publish-phase-changed'],
  },
  drainCancelled('draining → active in rotation when an operator cancels the drain', {}, 'in-rotation', [
    'set-origin-weight',
    'enable-origin',
  ]),
  drainCancelled(
    'draining spare → active on standby when its drain is cancelled, its origin left disabled',
    { spare: { since: T0 } },
    'standby',
    [],
  ),
];

describe('decide: the transition table', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const decision = expectTransition(
        decide(c.stamp, c.event, c.policy ?? policyWith(), c.now, fleet(c.fleet ?? [])),
      );
      assert.equal(decision.stamp.phase, c.to);
      assert.equal(decision.stamp.traffic, c.traffic);
      assert.deepEqual(effectKinds(decision), c.effects);
      const { canary, ...audit } = decision.audit;
      assert.equal(canary?.verdict, c.canaryVerdict);
      assert.deepEqual(audit, {
        stampId: c.stamp.id,
        seq: c.stamp.auditSeq + 1,
        at: c.now,
        from: c.stamp.phase,
        to: c.to,
        ...(c.stamp.traffic === c.traffic ? {} : { traffic: { from: c.stamp.traffic, to: c.traffic } }),
        cause: decision.stamp.cause,
        ...c.audit,
      });
      assert.equal(decision.stamp.cause.eventId, c.event.id);
      assert.equal(decision.stamp.auditSeq, c.stamp.auditSeq + 1);
      assert.equal(decision.stamp.phaseSince, c.stamp.phase === c.to ? c.stamp.phaseSince : c.now);
      assert.ok(decision.stamp.processedEventIds.includes(c.event.id));
      assert.ok(stampSchema.safeParse(decision.stamp).success, 'the next state is a valid stamp document');
    });
  }

  it('has a case for every (row, event) of the table', () => {
    const covered = new Set(CASES.map((c) => `${c.stamp.phase}|${c.to}|${c.event.type}`));
    const missing = TRANSITION_TABLE.flatMap((row) =>
      row.on.map((on) => `${row.from}|${row.to}|${on}`),
    ).filter((key) => !covered.has(key));
    assert.deepEqual(missing, []);
  });
});

describe('decide: what each transition records', () => {
  it('registering keeps the origin host name and arms the registration timeout', () => {
    const d = expectTransition(
      decide(
        stampIn('provisioning'),
        {
          type: 'DeploymentSucceeded',
          id: 'e1',
          originHostName: 'h.example.net',
          outputs: { aksName: 'aks1' },
        },
        policyWith(),
        at(20),
        fleet([]),
      ),
    );
    assert.equal(d.stamp.deployment?.originHostName, 'h.example.net');
    assert.deepEqual(d.stamp.deployment?.outputs, { aksName: 'aks1' });
    assert.equal(d.stamp.deadlines.registrationTimeoutAt, at(35));
    assert.deepEqual(d.effects[0], {
      kind: 'register-origin',
      stampId: 'weu-001',
      hostName: 'h.example.net',
    });
  });

  it('a failed deployment keeps the error for the incident', () => {
    const d = expectTransition(
      decide(
        stampIn('provisioning'),
        { type: 'DeploymentFailed', id: 'e1', error: 'QuotaExceeded' },
        policyWith(),
        at(20),
        fleet([]),
      ),
    );
    assert.equal(d.stamp.deployment?.error, 'QuotaExceeded');
    assert.match(JSON.stringify(d.effects[0]), /QuotaExceeded/);
  });

  it('isolation sets the grace deadline from the policy and asks for a replacement in the same region', () => {
    const d = expectTransition(
      decide(
        stampIn('active'),
        { type: 'HealthProbeFailed', id: 'e1', alertId: 'a1', observedAt: at(1) },
        policyWith({ isolationGraceMinutes: 10 }),
        at(2),
        fleet(seedFleet()),
      ),
    );
    assert.equal(d.stamp.deadlines.isolationGraceEndsAt, at(12));
    assert.deepEqual(d.stamp.isolation, { by: 'alert', at: at(2) });
    assert.deepEqual(d.stamp.health, {
      probe: 'failing',
      observedAt: at(1),
      alertId: 'a1',
      alerts: [{ alertId: 'a1', state: 'firing', at: at(1) }],
    });
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'reconcile-fleet'),
      {
        kind: 'reconcile-fleet',
        stampId: 'weu-001',
        reason: 'weu-001 active/in-rotation → active/isolated',
      },
    );
  });

  it('a drain uses the requested minutes and names the drain after the request', () => {
    const d = expectTransition(
      decide(
        stampIn('active'),
        {
          type: 'DrainRequested',
          id: 'req-9',
          source: 'operator',
          actor: 'ana',
          reason: 'r',
          drainMinutes: 45,
        },
        policyWith(),
        T0,
        fleet(seedFleet()),
      ),
    );
    assert.deepEqual(d.stamp.drain, {
      id: 'drain-req-9',
      reason: 'r',
      startedAt: T0,
      endsAt: at(45),
      requestedBy: { actor: 'ana' },
    });
    assert.equal(d.stamp.deadlines.drainEndsAt, at(45));
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'schedule-drain-timer'),
      { kind: 'schedule-drain-timer', stampId: 'weu-001', drainId: 'drain-req-9', at: at(45) },
    );
  });

  it('a drain without minutes uses the policy default', () => {
    const d = expectTransition(
      decide(
        stampIn('active'),
        { type: 'DrainRequested', id: 'req-9', source: 'operator', actor: 'ana', reason: 'r' },
        policyWith({ drainMinutes: 30 }),
        T0,
        fleet(seedFleet()),
      ),
    );
    assert.equal(d.stamp.deadlines.drainEndsAt, at(30));
  });

  it('archiving sets the purge date from the retention policy', () => {
    const d = expectTransition(
      decide(
        stampIn('decommissioning'),
        { type: 'DecommissionCompleted', id: 'e1' },
        policyWith({ retentionDays: 7 }),
        T0,
        fleet([]),
      ),
    );
    assert.equal(d.stamp.archivedAt, T0);
    assert.equal(d.stamp.deadlines.purgeDueAt, at(7 * 24 * 60));
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'schedule-purge'),
      { kind: 'schedule-purge', stampId: 'weu-001', dueAt: at(7 * 24 * 60) },
    );
  });

  it('purging deletes the stamp resource group', () => {
    const d = expectTransition(
      decide(
        stampIn('archived'),
        { type: 'RetentionElapsed', id: 'e1' },
        policyWith(),
        at(31 * 24 * 60),
        fleet([]),
      ),
    );
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'delete-resource-group'),
      { kind: 'delete-resource-group', stampId: 'weu-001', resourceGroup: 'rg-synaxis-stamp-weu-001' },
    );
    assert.equal(d.stamp.purgedAt, at(31 * 24 * 60));
  });

  it("purging an archived stamp releases its archive's legal hold at the archive's own retention end", () => {
    const d = expectTransition(
      decide(
        stampIn('archived', { archive: ARCHIVE, deadlines: { purgeDueAt: ARCHIVE.retainUntil } }),
        { type: 'RetentionElapsed', id: 'e1' },
        policyWith(),
        at(31 * 24 * 60),
        fleet([]),
      ),
    );
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'release-archive'),
      { kind: 'release-archive', stampId: 'weu-001', retainUntil: ARCHIVE.retainUntil },
    );
  });

  it('records are archived once: a second RecordsArchived changes nothing', () => {
    const d = decide(
      stampIn('archived', { archive: ARCHIVE }),
      { type: 'RecordsArchived', id: 'e2', ...ARCHIVE, digest: 'cd'.repeat(32) },
      policyWith(),
      at(20),
      fleet([]),
    );
    assert.equal(d.outcome, 'ignored');
  });

  it('a replacement that becomes active tells the stamp it replaces', () => {
    const d = expectTransition(
      decide(
        stampIn('registering', { id: 'weu-005', replacementFor: 'weu-001' }),
        { type: 'OriginHealthy', id: 'e1' },
        policyWith(),
        at(5),
        fleet([]),
      ),
    );
    assert.deepEqual(
      d.effects.find((e) => e.kind === 'notify-replaced-stamp'),
      { kind: 'notify-replaced-stamp', stampId: 'weu-005', replacedStampId: 'weu-001' },
    );
  });

  it('quarantine without automatic checks does not run them', () => {
    const d = expectTransition(
      decide(
        stampIn('draining'),
        { type: 'DrainTimerFired', id: 'e1', drainId: 'drain-1' },
        policyWith({ quarantine: { autoVerify: false, requireHumanApproval: false, fourEyes: true } }),
        at(30),
        fleet([]),
      ),
    );
    assert.deepEqual(effectKinds(d), [
      'cancel-drain-timer',
      'remove-origin',
      'preserve-diagnostics',
      'reconcile-fleet',
      'publish-phase-changed',
    ]);
  });

  it('with automatic checks off, an operator verification alone decommissions', () => {
    const d = expectTransition(
      decide(
        stampIn('quarantined'),
        { type: 'QuarantineApproved', id: 'e1', actor: 'ana', reason: '' },
        policyWith({ quarantine: { autoVerify: false, requireHumanApproval: false, fourEyes: true } }),
        at(6),
        fleet([]),
      ),
    );
    assert.equal(d.stamp.phase, 'decommissioning');
    assert.equal(d.stamp.quarantine?.approvedBy, 'ana');
    assert.equal(d.stamp.cause.reason, 'verified by operator');
  });
});

describe('decide: alerts fired together are judged together (correlation window)', () => {
  const policy = policyWith({ alertCorrelationSeconds: 60 });
  const failedAt = (id: string, minute: number): StampEvent => ({
    type: 'HealthProbeFailed',
    id,
    alertId: 'a1',
    observedAt: at(minute),
  });

  it('a failing probe records the failure and arms the decision timer; nothing leaves rotation yet', () => {
    const d = decide(stampIn('active'), failedAt('e1', 1), policy, at(1), fleet(seedFleet()));
    assert.equal(d.outcome, 'updated');
    if (d.outcome !== 'updated') return;
    assert.equal(d.stamp.traffic, 'in-rotation');
    assert.equal(d.stamp.health.probe, 'failing');
    assert.equal(d.stamp.deadlines.isolationDecisionAt, at(2));
    assert.deepEqual(d.effects, [
      { kind: 'start-timer', stampId: 'weu-001', timer: 'isolation-decision', at: at(2) },
    ]);
  });

  it('a recovery inside the window cancels the decision', () => {
    const failing = decide(stampIn('active'), failedAt('e1', 1), policy, at(1), fleet(seedFleet()));
    assert.equal(failing.outcome, 'updated');
    if (failing.outcome !== 'updated') return;
    const d = decide(
      failing.stamp,
      { type: 'HealthProbeRecovered', id: 'e2', alertId: 'a1', observedAt: at(1.5) },
      policy,
      at(1.5),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'updated');
    if (d.outcome !== 'updated') return;
    assert.equal(d.stamp.deadlines.isolationDecisionAt, undefined);
    assert.deepEqual(d.effects, [{ kind: 'cancel-timer', stampId: 'weu-001', timer: 'isolation-decision' }]);
    const late = decide(
      d.stamp,
      { type: 'IsolationDecisionDue', id: 'e3' },
      policy,
      at(2),
      fleet(seedFleet()),
    );
    assert.equal(late.outcome, 'ignored');
  });

  it('five stamps failing together are all held by the blast radius; the re-check raises no second incident', () => {
    const failingIds = ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'];
    const storm = fleet(
      seedFleet().map((m) => (failingIds.includes(m.id) ? { ...m, probe: 'failing' as const } : m)),
    );
    const stamp = stampIn('active', {
      health: { probe: 'failing', observedAt: at(1), alertId: 'a1' },
      deadlines: { isolationDecisionAt: at(2) },
    });
    const first = assertHeldByBlastRadius(
      decide(stamp, { type: 'IsolationDecisionDue', id: 'e1' }, policy, at(2), storm),
    );
    const again = decide(first.stamp, { type: 'IsolationDecisionDue', id: 'e2' }, policy, at(7), storm);
    assert.equal(again.outcome, 'refused');
    assert.deepEqual(again.outcome === 'refused' ? again.effects.map((e) => e.kind) : [], ['start-timer']);
    // The storm passes: the one stamp still failing is isolated at the next re-check.
    const calm = fleet(seedFleet());
    const finally_ = decide(
      again.outcome === 'refused' ? again.stamp : stamp,
      { type: 'IsolationDecisionDue', id: 'e3' },
      policy,
      at(12),
      calm,
    );
    assert.equal(finally_.outcome, 'transition');
    if (finally_.outcome !== 'transition') return;
    assert.equal(finally_.stamp.traffic, 'isolated');
    assert.equal(finally_.stamp.health.heldBy, undefined);
    assert.equal(finally_.stamp.deadlines.isolationDecisionAt, undefined);
  });
});
