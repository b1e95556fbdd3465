import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  ALERT_CLOCK_SKEW_MINUTES,
  ALERT_MEMORY_HOURS,
  applyHealthAlert,
  decide,
  HEALTH_ALERT_MEMORY,
  type HealthAlert,
  type Stamp,
  type StampEvent,
  type StampHealth,
} from '../../../shared/lifecycle';
import { at, fleet, policyWith, seedFleet, stampIn } from './support/fixtures';

/**
 * Health alerts are ordered per alert id, with the sender's clock bounded by ours: no alert can
 * make another one stale, and no alert dated in the future can outrank the ones after it.
 */

const NOW = at(60);
const firing = (alertId: string, minutes: number): HealthAlert => ({
  alertId,
  state: 'firing',
  at: at(minutes),
});
const resolved = (alertId: string, minutes: number): HealthAlert => ({
  alertId,
  state: 'resolved',
  at: at(minutes),
});
const healthOf = (alerts: HealthAlert[]): StampHealth => ({
  probe: alerts.some((a) => a.state === 'firing') ? 'failing' : 'healthy',
  alerts,
});

interface Case {
  readonly name: string;
  readonly health: StampHealth;
  readonly alert: { alertId: string; state: 'firing' | 'resolved'; observedAt: string };
  readonly expect: 'stale' | { probe: 'healthy' | 'failing'; clamped?: boolean; remembered?: number };
}

const cases: Case[] = [
  {
    name: 'a first Fired makes the probe fail',
    health: { probe: 'healthy' },
    alert: { alertId: 'a', state: 'firing', observedAt: at(59) },
    expect: { probe: 'failing', remembered: 1 },
  },
  {
    name: 'its Resolved makes it healthy again',
    health: healthOf([firing('a', 50)]),
    alert: { alertId: 'a', state: 'resolved', observedAt: at(59) },
    expect: { probe: 'healthy', remembered: 1 },
  },
  {
    name: 'a Resolved older than its own Fired is stale',
    health: healthOf([firing('a', 50)]),
    alert: { alertId: 'a', state: 'resolved', observedAt: at(40) },
    expect: 'stale',
  },
  {
    name: 'a Fired at the same time as its own Resolved is stale',
    health: healthOf([resolved('a', 50)]),
    alert: { alertId: 'a', state: 'firing', observedAt: at(50) },
    expect: 'stale',
  },
  {
    name: 'another alert resolving leaves a firing one firing',
    health: healthOf([firing('a', 50)]),
    alert: { alertId: 'b', state: 'resolved', observedAt: at(59) },
    expect: { probe: 'failing', remembered: 2 },
  },
  {
    name: 'an older Fired of another alert is not stale (each alert is ordered against itself)',
    health: healthOf([resolved('a', 55)]),
    alert: { alertId: 'b', state: 'firing', observedAt: at(30) },
    expect: { probe: 'failing', remembered: 2 },
  },
  {
    name: 'a Resolved dated in year 9999 is clamped to the skew',
    health: healthOf([firing('a', 50)]),
    alert: { alertId: 'b', state: 'resolved', observedAt: '9999-12-31T23:59:59Z' },
    expect: { probe: 'failing', clamped: true, remembered: 2 },
  },
  {
    name: 'a time within the skew is taken as it is',
    health: { probe: 'healthy' },
    alert: { alertId: 'a', state: 'firing', observedAt: at(60 + ALERT_CLOCK_SKEW_MINUTES) },
    expect: { probe: 'failing', clamped: false },
  },
  {
    name: 'an alert older than the alert memory changes nothing',
    health: healthOf([firing('a', 50)]),
    alert: { alertId: 'a', state: 'resolved', observedAt: at(60 - ALERT_MEMORY_HOURS * 60 - 1) },
    expect: 'stale',
  },
  {
    name: 'a stored time from before clamping existed does not outrank a real alert',
    health: healthOf([resolved('a', 60 * 24 * 365)]),
    alert: { alertId: 'a', state: 'firing', observedAt: at(60 + ALERT_CLOCK_SKEW_MINUTES + 1) },
    expect: { probe: 'failing', clamped: true },
  },
  {
    name: 'a document written before per-alert memory keeps its alert',
    health: { probe: 'failing', alertId: 'a', observedAt: at(50) },
    alert: { alertId: 'a', state: 'resolved', observedAt: at(45) },
    expect: 'stale',
  },
  {
    name: 'resolved alerts past the memory are forgotten, firing ones are not',
    health: healthOf([
      firing('old', 60 - ALERT_MEMORY_HOURS * 60 - 10),
      resolved('gone', -ALERT_MEMORY_HOURS * 60),
    ]),
    alert: { alertId: 'b', state: 'resolved', observedAt: at(59) },
    expect: { probe: 'failing', remembered: 2 },
  },
];

describe('health alerts: each alert ordered against itself, times bounded by the clock', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = applyHealthAlert(c.health, c.alert, NOW);
      if (c.expect === 'stale') {
        assert.equal(result.kind, 'stale', JSON.stringify(result));
        return;
      }
      assert.equal(result.kind, 'applied', JSON.stringify(result));
      if (result.kind !== 'applied') return;
      assert.equal(result.health.probe, c.expect.probe);
      if (c.expect.clamped !== undefined) assert.equal(result.clampedFrom !== undefined, c.expect.clamped);
      if (c.expect.remembered !== undefined) assert.equal(result.health.alerts?.length, c.expect.remembered);
      const latest = Date.parse(NOW) + ALERT_CLOCK_SKEW_MINUTES * 60_000;
      for (const a of result.health.alerts ?? [])
        assert.ok(Date.parse(a.at) <= latest, `${a.at} is past the skew`);
    });
  }

  it('a flood that fills the memory with firing alerts cannot hide the real one behind it', () => {
    let health: StampHealth = { probe: 'healthy' };
    const send = (alertId: string, state: 'firing' | 'resolved'): void => {
      // Each Resolved a minute after its Fired, so that none is stale.
      const observedAt = state === 'firing' ? at(59) : at(60);
      const result = applyHealthAlert(health, { alertId, state, observedAt }, NOW);
      assert.equal(result.kind, 'applied', JSON.stringify(result));
      if (result.kind === 'applied') health = result.health;
    };
    for (let i = 0; i < HEALTH_ALERT_MEMORY; i += 1) send(`crafted-${i}`, 'firing');
    send('real', 'firing'); // the memory is full: the real alert cannot be remembered
    for (let i = 0; i < HEALTH_ALERT_MEMORY; i += 1) send(`crafted-${i}`, 'resolved');
    assert.equal(health.probe, 'failing', JSON.stringify(health));
    assert.equal(HEALTH_ALERT_MEMORY, 32, 'the memory the README promises');
    assert.equal(ALERT_CLOCK_SKEW_MINUTES, 5, 'the skew the README promises');
  });

  it('a flood of other alerts never erases a firing one', () => {
    let health: StampHealth = healthOf([firing('real', 59)]);
    for (let i = 0; i < HEALTH_ALERT_MEMORY * 3; i += 1) {
      for (const state of ['firing', 'resolved'] as const) {
        const result = applyHealthAlert(health, { alertId: `x${i}`, state, observedAt: NOW }, NOW);
        if (result.kind === 'applied') health = result.health;
      }
    }
    assert.equal(health.probe, 'failing');
    assert.ok(health.alerts?.some((a) => a.alertId === 'real' && a.state === 'firing'));
    assert.ok((health.alerts?.length ?? 0) <= HEALTH_ALERT_MEMORY);
  });
});

/**
 * The property of issue 12: whatever other alerts arrive (any id but the real alert's, Fired or
 * Resolved, dated anywhere from a month ago to year 9999, in any order), a stamp whose real alert
 * fired ends out of rotation when the guards permit it. The sender of crafted alerts does not
 * know the real alert's id (Azure Monitor's ids are unguessable resource ids).
 */
type Step =
  | { kind: 'crafted'; id: number; fired: boolean; offsetMinutes: number }
  | { kind: 'wait'; minutes: number }
  | { kind: 'real' };

const offset = fc.oneof(
  fc.integer({ min: -60 * 24 * 30, max: 60 }),
  fc.integer({ min: 60, max: 60 * 24 * 365 * 8000 }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('crafted' as const),
      id: fc.nat(HEALTH_ALERT_MEMORY + 16),
      fired: fc.boolean(),
      offsetMinutes: offset,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), minutes: fc.nat(10) }) },
);

describe('property: no alert sequence keeps a failing stamp in rotation (guards permitting)', () => {
  it('the stamp is isolated once its real alert fired', () => {
    const policy = policyWith({ alertCorrelationSeconds: 120 });
    const view = fleet(seedFleet());
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 120 }),
        fc.nat(120),
        fc.array(step, { maxLength: 60 }),
        (before, realAt, afterSteps) => {
          const steps: Step[] = [...before];
          steps.splice(Math.min(realAt, steps.length), 0, { kind: 'real' }, ...afterSteps);
          let stamp: Stamp = stampIn('active');
          let minutes = 0;
          let eventSeq = 0;
          let realFired = false;
          const apply = (event: StampEvent): void => {
            const d = decide(stamp, event, policy, at(minutes), view);
            if (d.outcome !== 'ignored') stamp = d.stamp;
          };
          const fireDueTimers = (): void => {
            const due = stamp.deadlines.isolationDecisionAt;
            if (due !== undefined && Date.parse(due) <= Date.parse(at(minutes)))
              apply({ type: 'IsolationDecisionDue', id: `timer-${eventSeq++}` });
          };
          for (const s of steps) {
            if (s.kind === 'wait') minutes += s.minutes;
            else if (s.kind === 'real') {
              realFired = true;
              apply({
                type: 'HealthProbeFailed',
                id: 'real:Fired',
                alertId: 'real',
                observedAt: at(minutes),
              });
            } else {
              const observedAt = new Date(Date.parse(at(minutes)) + s.offsetMinutes * 60_000).toISOString();
              const alertId = `crafted-${s.id}`;
              apply(
                s.fired
                  ? { type: 'HealthProbeFailed', id: `${alertId}:${eventSeq++}`, alertId, observedAt }
                  : { type: 'HealthProbeRecovered', id: `${alertId}:${eventSeq++}`, alertId, observedAt },
              );
            }
            fireDueTimers();
            if (realFired) assert.equal(stamp.health.probe, 'failing', 'the real alert still fires');
          }
          minutes += policy.alertCorrelationSeconds / 60;
          fireDueTimers();
          assert.equal(stamp.traffic, 'isolated', JSON.stringify(stamp.health));
        },
      ),
      { numRuns: 300, seed: 1212 },
    );
  });
});
