import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decide, type Stamp, type StampEvent } from '../../../shared/lifecycle';
import { at, expectTransition, fleet, policyWith, seedFleet, stampIn, T0 } from './support/fixtures';

/** The ramp's bookkeeping around its canary check: which comparison counts, and when the ramp holds. */

const policy = policyWith();
const RAMP = { step: 0, percent: 1, weight: 10, stepSince: T0, lowTrafficBakes: 0 } as const;
const within = {
  from: T0,
  to: at(10),
  stamp: { requests: 200, errorPercent: 0.2, latencyMs: 80 },
  peers: { stampIds: ['weu-002'], requests: 9000, errorPercent: 0.2, latencyMs: 80 },
};

function apply(stamp: Stamp, event: StampEvent, now: string) {
  return decide(stamp, event, policy, now, fleet(seedFleet()));
}

describe('the ramp and its canary check', () => {
  it("takes only the comparison of the bake that asked for it: an earlier bake's answer is stale", () => {
    const due = apply(
      stampIn('active', { ramp: RAMP, deadlines: { rampStepDueAt: at(10) } }),
      { type: 'RampStepDue', id: 't1' },
      at(10),
    );
    assert.equal(due.outcome, 'updated');
    if (due.outcome !== 'updated') return;
    assert.equal(due.stamp.ramp?.comparing, at(10));
    assert.deepEqual(
      due.effects.find((e) => e.kind === 'compare-canary'),
      {
        kind: 'compare-canary',
        stampId: 'weu-001',
        step: 0,
        dueAt: at(10),
      },
    );
    const stale = apply(
      due.stamp,
      { type: 'CanaryCompared', id: 'c0', step: 0, dueAt: at(0), comparison: within },
      at(11),
    );
    assert.equal(stale.outcome, 'ignored');
    const taken = expectTransition(
      apply(
        due.stamp,
        { type: 'CanaryCompared', id: 'c1', step: 0, dueAt: at(10), comparison: within },
        at(11),
      ),
    );
    assert.equal(taken.stamp.ramp?.percent, 10);
    assert.equal(taken.stamp.ramp?.comparing, undefined);
  });

  it('a pause drops the comparison asked for: after continue, the step bakes again before it is judged', () => {
    const asked = {
      ...stampIn('active', { ramp: { ...RAMP, comparing: at(10) }, deadlines: { rampStepDueAt: at(20) } }),
    };
    const paused = expectTransition(
      apply(asked, { type: 'RampPauseRequested', id: 'p', actor: 'ana', reason: 'r' }, at(11)),
    );
    const resumed = expectTransition(
      apply(paused.stamp, { type: 'RampContinueRequested', id: 'q', actor: 'ana', reason: 'r' }, at(12)),
    );
    assert.equal(resumed.stamp.ramp?.comparing, undefined);
    assert.equal(resumed.stamp.ramp?.stepSince, at(12));
    assert.equal(resumed.stamp.deadlines.rampStepDueAt, at(22));
    const late = apply(
      resumed.stamp,
      { type: 'CanaryCompared', id: 'c', step: 0, dueAt: at(10), comparison: within },
      at(13),
    );
    assert.equal(late.outcome, 'ignored', 'the answer to the bake before the pause');
  });

  it('an isolation and a rejoin restart the bake from the rejoin: the minutes out of rotation are not its canary', () => {
    const ramping = stampIn('active', { ramp: RAMP, deadlines: { rampStepDueAt: at(10) } });
    const isolated = expectTransition(
      apply(ramping, { type: 'IsolateRequested', id: 'i', actor: 'ana', reason: 'r' }, at(3)),
    );
    assert.equal(isolated.stamp.deadlines.rampStepDueAt, undefined, 'no bake out of rotation');
    const back = expectTransition(
      apply(isolated.stamp, { type: 'RejoinRequested', id: 'j', actor: 'ana', reason: 'r' }, at(7)),
    );
    assert.equal(back.stamp.ramp?.stepSince, at(7));
    assert.equal(back.stamp.deadlines.rampStepDueAt, at(17));
  });

  it('holds the ramp (paused, audited, an incident) when its comparison cannot be read for three bakes', () => {
    let stamp = stampIn('active', { ramp: RAMP, deadlines: { rampStepDueAt: at(10) } });
    for (const [n, minute] of [10, 20, 30].entries()) {
      const d = apply(stamp, { type: 'RampStepDue', id: `t${n}` }, at(minute));
      assert.equal(d.outcome, 'updated', `bake ${n + 1}`);
      if (d.outcome === 'updated') stamp = d.stamp;
    }
    const held = expectTransition(apply(stamp, { type: 'RampStepDue', id: 't3' }, at(40)));
    assert.equal(held.stamp.ramp?.paused?.actor, 'canary-check');
    assert.match(held.stamp.ramp?.paused?.reason ?? '', /could not be read for 3 bakes/);
    assert.equal(held.stamp.ramp?.percent, 1, 'not passed');
    assert.ok(held.effects.some((e) => e.kind === 'raise-incident'));
    assert.equal(held.stamp.deadlines.rampStepDueAt, undefined);
  });

  it('skipping a ramp the canary check held as worse needs an override, which the audit names', () => {
    const held = stampIn('active', {
      ramp: {
        ...RAMP,
        paused: { at: at(10), actor: 'canary-check', reason: 'worse, but the minimum in rotation holds it' },
        lastCanary: { ...within, verdict: 'worse', reason: '5xx 9% against 0.2%' },
      },
    });
    const refused = apply(
      held,
      { type: 'RampSkipRequested', id: 's1', actor: 'ana', reason: 'need it' },
      at(11),
    );
    assert.equal(refused.outcome, 'refused');
    if (refused.outcome === 'refused') assert.equal(refused.guard, 'canary');
    const skipped = expectTransition(
      apply(
        held,
        { type: 'RampSkipRequested', id: 's2', actor: 'ana', reason: 'need it', override: true },
        at(11),
      ),
    );
    assert.equal(skipped.stamp.ramp, undefined);
    assert.equal(skipped.audit.cause.overriddenGuard, 'canary');
  });
});
