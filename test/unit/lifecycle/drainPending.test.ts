import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decide } from '../../../shared/lifecycle';
import { timersOf } from '../../../shared/lifecycle/timers';
import { at, fleet, policyWith, seedFleet, stampIn } from './support/fixtures';

/**
 * A drain ends a pending isolation decision and a guard's hold: left in the document, the
 * deadline would be a timer the orchestration arms again in a phase where it means nothing
 * (found in review of issue 12).
 */
describe('decide: a drain while an isolation is pending', () => {
  it('clears the isolation decision deadline and the hold', () => {
    const stamp = stampIn('active', {
      health: {
        probe: 'failing',
        heldBy: 'min-in-rotation',
        alerts: [{ alertId: 'a', state: 'firing', at: at(0) }],
      },
      deadlines: { isolationDecisionAt: at(5) },
    });
    const d = decide(
      stamp,
      {
        type: 'DrainRequested',
        id: 'd1',
        source: 'operator',
        actor: 'sre',
        reason: 'by hand',
        override: true,
      },
      policyWith(),
      at(1),
      fleet(seedFleet()),
    );
    assert.equal(d.outcome, 'transition', JSON.stringify(d));
    if (d.outcome !== 'transition') return;
    assert.equal(d.stamp.phase, 'draining');
    assert.equal(d.stamp.deadlines.isolationDecisionAt, undefined);
    assert.equal(d.stamp.health.heldBy, undefined);
    assert.deepEqual(timersOf(d.stamp.deadlines), {});
  });
});
