import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  decide,
  type Decision,
  type FleetMember,
  type GuardName,
  type IgnoreReason,
  type LifecyclePolicy,
  type Stamp,
  type StampEvent,
} from '../../../shared/lifecycle';
import { assertHeldByBlastRadius } from './support/assertions';
import { at, fleet, member, policyWith, seedFleet, stampIn, T0 } from './support/fixtures';

interface NoCase {
  readonly name: string;
  readonly stamp: Stamp;
  readonly event: StampEvent;
  readonly now?: string;
  readonly fleet?: FleetMember[];
  readonly policy?: LifecyclePolicy;
  readonly expect: { refused: GuardName; reason: RegExp } | { ignored: IgnoreReason };
}

const op = { actor: 'ana', reason: 'maintenance' };
const lonelySea = [
  member('sea-001', 'southeastasia'),
  ...seedFleet().filter((m) => m.region !== 'southeastasia'),
];
const seaStamp = (overrides: Partial<Stamp> = {}) =>
  stampIn('active', { id: 'sea-001', region: 'southeastasia', ...overrides });

const CASES: readonly NoCase[] = [
  // Operator requests in the wrong phase are refused by the transition table (HTTP 409).
  {
    name: 'drain of a provisioning stamp',
    stamp: stampIn('provisioning'),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', ...op },
    expect: { refused: 'transition-table', reason: /only an active stamp can be drained/ },
  },
  {
    name: 'drain of a stamp already draining',
    stamp: stampIn('draining'),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', ...op },
    expect: { refused: 'transition-table', reason: /draining/ },
  },
  {
    name: 'isolate of a draining stamp',
    stamp: stampIn('draining'),
    event: { type: 'IsolateRequested', id: 'x', ...op },
    expect: { refused: 'transition-table', reason: /only an active stamp in rotation/ },
  },
  {
    name: 'isolate of a stamp already isolated',
    stamp: stampIn('active', { traffic: 'isolated', isolation: { by: 'operator', at: T0 } }),
    event: { type: 'IsolateRequested', id: 'x', ...op },
    fleet: seedFleet(),
    expect: { refused: 'transition-table', reason: /isolated/ },
  },
  {
    name: 'isolate without a reason',
    stamp: stampIn('active'),
    event: { type: 'IsolateRequested', id: 'x', actor: 'ana', reason: '  ' },
    fleet: seedFleet(),
    expect: { refused: 'input', reason: /needs a reason/ },
  },
  {
    name: 'verify of an active stamp',
    stamp: stampIn('active'),
    event: { type: 'QuarantineApproved', id: 'x', ...op },
    expect: { refused: 'transition-table', reason: /only a quarantined stamp/ },
  },
  {
    name: 'verify without an approver',
    stamp: stampIn('quarantined'),
    event: { type: 'QuarantineApproved', id: 'x', actor: '', reason: '' },
    expect: { refused: 'input', reason: /needs the signed-in approver/ },
  },
  {
    name: 'cleanup of an active stamp',
    stamp: stampIn('active'),
    event: { type: 'CleanupRequested', id: 'x', ...op },
    expect: { refused: 'transition-table', reason: /only a failed stamp/ },
  },
  {
    name: 'drain for 0 minutes',
    stamp: stampIn('active'),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', drainMinutes: 0, ...op },
    fleet: seedFleet(),
    expect: { refused: 'input', reason: /drainMinutes must be a whole number from 1 to 1440, got 0/ },
  },
  {
    name: 'drain for 1.5 minutes',
    stamp: stampIn('active'),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', drainMinutes: 1.5, ...op },
    fleet: seedFleet(),
    expect: { refused: 'input', reason: /whole number/ },
  },
  // Guard 1: minimum in rotation.
  {
    name: 'operator drain of the last stamp in rotation of a region',
    stamp: seaStamp(),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', ...op },
    fleet: lonelySea,
    expect: {
      refused: 'min-in-rotation',
      reason: /southeastasia with 0 stamp\(s\) in rotation, below the minimum of 1/,
    },
  },
  {
    name: 'reconciler drain of the last stamp, even with override',
    stamp: seaStamp(),
    event: { type: 'DrainRequested', id: 'x', source: 'reconciler', override: true, ...op },
    fleet: lonelySea,
    expect: { refused: 'min-in-rotation', reason: /below the minimum/ },
  },
  {
    name: 'operator override without a reason',
    stamp: seaStamp(),
    event: { type: 'DrainRequested', id: 'x', source: 'operator', override: true, actor: 'ana', reason: ' ' },
    fleet: lonelySea,
    expect: { refused: 'min-in-rotation', reason: /below the minimum/ },
  },
  {
    name: 'operator isolate of the last stamp in rotation',
    stamp: seaStamp(),
    event: { type: 'IsolateRequested', id: 'x', ...op },
    fleet: lonelySea,
    expect: { refused: 'min-in-rotation', reason: /below the minimum/ },
  },
  {
    name: 'health failure of the last stamp in rotation of a region',
    stamp: seaStamp(),
    event: { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
    fleet: lonelySea,
    expect: { refused: 'min-in-rotation', reason: /a replacement must be active first/ },
  },
  // Guard 2: blast radius.
  {
    name: 'health failure while 5 of 10 stamps across regions alert',
    stamp: stampIn('active', { id: 'weu-001' }),
    event: { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
    fleet: seedFleet().map((m) =>
      ['weu-002', 'eus-001', 'eus-002', 'sea-001'].includes(m.id) ? { ...m, probe: 'failing' as const } : m,
    ),
    expect: { refused: 'blast-radius', reason: /5 of 10 stamps \(50%\) across 3 region\(s\)/ },
  },
  // Guard 4: retention.
  {
    name: 'purge before the retention period',
    stamp: stampIn('archived'),
    event: { type: 'RetentionElapsed', id: 'x' },
    now: at(29 * 24 * 60),
    expect: { refused: 'retention', reason: /retained until 2026-01-31T00:00:00.000Z/ },
  },
  {
    name: 'purge of an archived stamp without a purge date',
    stamp: stampIn('archived', { deadlines: {} }),
    event: { type: 'RetentionElapsed', id: 'x' },
    now: at(99 * 24 * 60),
    expect: { refused: 'retention', reason: /no purge due date/ },
  },
  // Quarantine verification.
  {
    name: 'verify after failed checks without override',
    stamp: stampIn('quarantined', { quarantine: { checks: 'failed', detail: 'logs missing' } }),
    event: { type: 'QuarantineApproved', id: 'x', ...op },
    expect: { refused: 'quarantine-verification', reason: /logs missing/ },
  },
  // Ignored: duplicates, stale signals and timers, events that no longer apply.
  {
    name: 'an event already handled',
    stamp: stampIn('active', { processedEventIds: ['dup'] }),
    event: { type: 'DrainRequested', id: 'dup', source: 'operator', ...op },
    fleet: seedFleet(),
    expect: { ignored: 'duplicate-event' },
  },
  {
    name: 'anything on a purged stamp',
    stamp: stampIn('purged'),
    event: { type: 'CleanupRequested', id: 'x', ...op },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: "a Fired notification older than the same alert's Resolved",
    stamp: stampIn('active', {
      health: {
        probe: 'healthy',
        observedAt: at(0),
        alerts: [{ alertId: 'a', state: 'resolved', at: at(0) }],
      },
    }),
    event: { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(-5) },
    fleet: seedFleet(),
    expect: { ignored: 'stale-signal' },
  },
  {
    name: "a recovery older than the same alert's failure",
    stamp: stampIn('active', {
      traffic: 'isolated',
      health: { probe: 'failing', observedAt: at(0), alerts: [{ alertId: 'a', state: 'firing', at: at(0) }] },
    }),
    event: { type: 'HealthProbeRecovered', id: 'x', alertId: 'a', observedAt: at(-5) },
    expect: { ignored: 'stale-signal' },
  },
  {
    name: 'an alert older than the alert memory (the stored probe state stands)',
    stamp: stampIn('active'),
    event: { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(-25 * 60) },
    fleet: seedFleet(),
    expect: { ignored: 'stale-signal' },
  },
  {
    name: 'a health alert on a draining stamp',
    stamp: stampIn('draining'),
    event: { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'a recovery on a registering stamp',
    stamp: stampIn('registering'),
    event: { type: 'HealthProbeRecovered', id: 'x', alertId: 'a', observedAt: at(1) },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'a drain timer of an earlier drain',
    stamp: stampIn('draining'),
    event: { type: 'DrainTimerFired', id: 'x', drainId: 'drain-0' },
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'a drain timer after the stamp left draining',
    stamp: stampIn('quarantined'),
    event: { type: 'DrainTimerFired', id: 'x', drainId: 'drain-1' },
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'a registration timeout before its time',
    stamp: stampIn('registering'),
    event: { type: 'RegistrationTimedOut', id: 'x' },
    now: at(14),
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'a registration timeout after the stamp became active',
    stamp: stampIn('active'),
    event: { type: 'RegistrationTimedOut', id: 'x' },
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'an isolation grace timer after the stamp rejoined',
    stamp: stampIn('active'),
    event: { type: 'IsolationGraceExpired', id: 'x' },
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'an isolation grace timer before its time',
    stamp: stampIn('active', { traffic: 'isolated', deadlines: { isolationGraceEndsAt: at(15) } }),
    event: { type: 'IsolationGraceExpired', id: 'x' },
    now: at(14),
    expect: { ignored: 'stale-timer' },
  },
  {
    name: 'a second deployment result',
    stamp: stampIn('registering'),
    event: { type: 'DeploymentSucceeded', id: 'x', originHostName: 'h' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'a deployment failure after success',
    stamp: stampIn('registering'),
    event: { type: 'DeploymentFailed', id: 'x', error: 'late' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'origin healthy on an active stamp',
    stamp: stampIn('active'),
    event: { type: 'OriginHealthy', id: 'x' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'replacement active for a healthy stamp',
    stamp: stampIn('active'),
    event: { type: 'ReplacementActive', id: 'x', replacementId: 'weu-005' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'quarantine checks after decommissioning began',
    stamp: stampIn('decommissioning'),
    event: { type: 'QuarantineChecksCompleted', id: 'x', passed: true, detail: '' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'decommission done twice',
    stamp: stampIn('archived'),
    event: { type: 'DecommissionCompleted', id: 'x' },
    expect: { ignored: 'not-applicable' },
  },
  {
    name: 'retention elapsed on an active stamp',
    stamp: stampIn('active'),
    event: { type: 'RetentionElapsed', id: 'x' },
    expect: { ignored: 'not-applicable' },
  },
];

function check(c: NoCase, decision: Decision): void {
  if ('refused' in c.expect) {
    assert.equal(decision.outcome, 'refused', JSON.stringify(decision));
    if (decision.outcome !== 'refused') return;
    assert.equal(decision.guard, c.expect.refused);
    assert.match(decision.reason, c.expect.reason);
    assert.equal(decision.stamp.phase, c.stamp.phase, 'a refusal never changes the phase');
    assert.equal(decision.stamp.traffic, c.stamp.traffic, 'a refusal never changes the traffic');
    // A request someone made is audited as a refusal (one record, phase unchanged); an alert or a
    // timer that a guard refuses is not.
    const requested = 'actor' in c.event;
    assert.equal(decision.stamp.auditSeq, c.stamp.auditSeq + (requested ? 1 : 0), 'audit sequence');
    assert.equal(decision.audit !== undefined, requested, 'a refused request is audited');
    if (decision.audit !== undefined) {
      assert.equal(decision.audit.from, c.stamp.phase);
      assert.equal(decision.audit.to, c.stamp.phase);
      assert.deepEqual(decision.audit.refused, { guard: decision.guard, reason: decision.reason });
    }
    assert.ok(decision.stamp.processedEventIds.includes(c.event.id), 'a refused event is remembered');
  } else {
    assert.deepEqual(
      decision.outcome === 'ignored' ? decision.reason : decision.outcome,
      c.expect.ignored,
      JSON.stringify(decision),
    );
  }
}

describe('decide: refusals and ignored events', () => {
  for (const c of CASES) {
    it(`${'refused' in c.expect ? `refuses (${c.expect.refused})` : `ignores (${c.expect.ignored})`}: ${c.name}`, () => {
      check(c, decide(c.stamp, c.event, c.policy ?? policyWith(), c.now ?? at(1), fleet(c.fleet ?? [])));
    });
  }
});

describe('decide: guard side effects', () => {
  it('a refused health isolation still records the failing probe, asks for a replacement and raises an incident', () => {
    const d = decide(
      seaStamp(),
      { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
      policyWith(),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'refused');
    if (d.outcome !== 'refused') return;
    assert.deepEqual(d.stamp.health, {
      probe: 'failing',
      observedAt: at(1),
      alertId: 'a',
      alerts: [{ alertId: 'a', state: 'firing', at: at(1) }],
      heldBy: 'min-in-rotation',
    });
    assert.deepEqual(
      d.effects.map((e) => e.kind),
      ['raise-incident', 'start-timer', 'reconcile-fleet'],
    );
    assert.equal(d.stamp.health.heldBy, 'min-in-rotation');
    assert.equal(d.stamp.deadlines.isolationDecisionAt, at(7), 'the guards are asked again in five minutes');
  });

  it('a blast-radius refusal raises one incident and does not ask the fleet reconciler for a replacement', () => {
    const storm = seedFleet().map((m) =>
      ['weu-002', 'weu-003', 'eus-001', 'eus-002', 'eus-003'].includes(m.id)
        ? { ...m, probe: 'failing' as const }
        : m,
    );
    const d = decide(
      stampIn('active'),
      { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
      policyWith(),
      at(2),
      fleet(storm),
    );
    assertHeldByBlastRadius(d);
  });

  it('an isolation asks the fleet reconciler to run; the stamp never places its own replacement', () => {
    const d = decide(
      stampIn('active'),
      { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
      policyWith(),
      at(2),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'transition');
    assert.deepEqual(
      d.effects.filter((e) => e.kind === 'reconcile-fleet').map((e) => e.stampId),
      [d.outcome === 'transition' ? d.stamp.id : ''],
    );
  });

  it('an accepted request that a guard refuses is written to the history as a refusal', () => {
    const d = decide(
      seaStamp(),
      { type: 'DrainRequested', id: 'x', source: 'operator', ...op },
      policyWith(),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'refused');
    if (d.outcome !== 'refused') return;
    assert.deepEqual(d.audit?.refused, { guard: 'min-in-rotation', reason: d.reason });
    assert.equal(d.audit?.from, 'active');
    assert.equal(d.audit?.to, 'active');
    assert.equal(d.audit?.seq, seaStamp().auditSeq + 1);
    assert.equal(d.stamp.auditSeq, seaStamp().auditSeq + 1);
  });

  it('a refused alert is not written to the history (a held isolation re-checks every few minutes)', () => {
    const d = decide(
      seaStamp(),
      { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(1) },
      policyWith({ alertCorrelationSeconds: 0 }),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'refused');
    assert.ok(d.outcome === 'refused' && d.audit === undefined);
  });

  it('an operator override with a reason passes the guard and is audited', () => {
    const d = decide(
      seaStamp(),
      { type: 'DrainRequested', id: 'x', source: 'operator', override: true, ...op },
      policyWith(),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'transition');
    if (d.outcome !== 'transition') return;
    assert.equal(d.audit.cause.overriddenGuard, 'min-in-rotation');
    assert.equal(d.audit.cause.actor, 'ana');
    assert.equal(d.audit.cause.reason, 'maintenance');
  });

  it('an operator isolate override is audited', () => {
    const d = decide(
      seaStamp(),
      { type: 'IsolateRequested', id: 'x', override: true, ...op },
      policyWith(),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'transition');
    assert.ok(d.outcome === 'transition' && d.audit.cause.overriddenGuard === 'min-in-rotation');
  });

  it('verify after failed checks with an override decommissions and records the override', () => {
    const d = decide(
      stampIn('quarantined', { quarantine: { checks: 'failed', detail: 'x' } }),
      { type: 'QuarantineApproved', id: 'x', override: true, ...op },
      policyWith(),
      at(2),
      fleet([]),
    );
    assert.equal(d.outcome, 'transition');
    assert.ok(d.outcome === 'transition' && d.audit.cause.overriddenGuard === 'quarantine-verification');
  });

  it('draining an isolated stamp needs no minimum in rotation', () => {
    const d = decide(
      seaStamp({ traffic: 'isolated', isolation: { by: 'operator', at: T0 } }),
      { type: 'DrainRequested', id: 'x', source: 'operator', ...op },
      policyWith(),
      at(2),
      fleet(lonelySea),
    );
    assert.equal(d.outcome, 'transition');
  });
});

describe('decide: bookkeeping without a transition', () => {
  it('failing checks are recorded and raise an incident; the stamp stays quarantined', () => {
    const d = decide(
      stampIn('quarantined'),
      { type: 'QuarantineChecksCompleted', id: 'x', passed: false, detail: 'metrics export failed' },
      policyWith(),
      at(5),
      fleet([]),
    );
    assert.equal(d.outcome, 'updated');
    if (d.outcome !== 'updated') return;
    assert.equal(d.stamp.phase, 'quarantined');
    assert.deepEqual(d.stamp.quarantine, {
      checks: 'failed',
      checkedAt: at(5),
      detail: 'metrics export failed',
    });
    assert.deepEqual(
      d.effects.map((e) => e.kind),
      ['raise-incident'],
    );
  });

  it('passing checks wait for an approval when the policy requires one', () => {
    const policy = policyWith({
      quarantine: { autoVerify: true, requireHumanApproval: true, fourEyes: true },
    });
    const d = decide(
      stampIn('quarantined'),
      { type: 'QuarantineChecksCompleted', id: 'x', passed: true, detail: 'ok' },
      policy,
      at(5),
      fleet([]),
    );
    assert.equal(d.outcome, 'updated');
    assert.ok(d.outcome === 'updated' && d.stamp.quarantine?.checks === 'passed');
  });

  it('an approval before the checks finish is recorded; the checks then decommission', () => {
    const policy = policyWith({
      quarantine: { autoVerify: true, requireHumanApproval: true, fourEyes: true },
    });
    const approved = decide(
      stampIn('quarantined'),
      { type: 'QuarantineApproved', id: 'x', ...op },
      policy,
      at(3),
      fleet([]),
    );
    assert.equal(approved.outcome, 'updated');
    if (approved.outcome !== 'updated') return;
    assert.equal(approved.stamp.quarantine?.approvedBy, 'ana');
    const checked = decide(
      approved.stamp,
      { type: 'QuarantineChecksCompleted', id: 'y', passed: true, detail: 'ok' },
      policy,
      at(5),
      fleet([]),
    );
    assert.equal(checked.outcome, 'transition');
    assert.ok(checked.outcome === 'transition' && checked.stamp.phase === 'decommissioning');
  });

  it('a failing alert on an isolated stamp updates its health only', () => {
    const d = decide(
      stampIn('active', { traffic: 'isolated', health: { probe: 'healthy', observedAt: at(1) } }),
      { type: 'HealthProbeFailed', id: 'x', alertId: 'a', observedAt: at(3) },
      policyWith(),
      at(4),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'updated');
    assert.ok(
      d.outcome === 'updated' && d.stamp.health.probe === 'failing' && d.stamp.traffic === 'isolated',
    );
  });

  it('a recovery after the grace ended keeps the stamp isolated', () => {
    const stamp = stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'alert', at: at(2) },
      health: { probe: 'failing', observedAt: at(1) },
      deadlines: { isolationGraceEndsAt: at(17) },
    });
    const d = decide(
      stamp,
      { type: 'HealthProbeRecovered', id: 'x', alertId: 'a', observedAt: at(18) },
      policyWith(),
      at(18),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'updated');
    assert.ok(
      d.outcome === 'updated' && d.stamp.traffic === 'isolated' && d.stamp.health.probe === 'healthy',
    );
  });

  it('a recovery never rejoins a stamp an operator isolated', () => {
    const stamp = stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'operator', at: at(2) },
      health: { probe: 'failing', observedAt: at(1) },
      deadlines: { isolationGraceEndsAt: at(17) },
    });
    const d = decide(
      stamp,
      { type: 'HealthProbeRecovered', id: 'x', alertId: 'a', observedAt: at(3) },
      policyWith(),
      at(3),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'updated');
    assert.ok(d.outcome === 'updated' && d.stamp.traffic === 'isolated');
  });

  it('the rejoin is judged by the alert time, not the arrival time', () => {
    const stamp = stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'alert', at: at(2) },
      health: { probe: 'failing', observedAt: at(1) },
      deadlines: { isolationGraceEndsAt: at(17) },
    });
    const d = decide(
      stamp,
      { type: 'HealthProbeRecovered', id: 'x', alertId: 'a', observedAt: at(16) },
      policyWith(),
      at(40),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'transition');
    assert.ok(d.outcome === 'transition' && d.stamp.traffic === 'in-rotation');
  });
});
