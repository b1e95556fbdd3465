import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type E2E, startE2E } from './support/harness';

/**
 * A stamp's timers live in its document's deadlines, not only in its orchestration: an
 * orchestration that ended after committing a decision (its start-timer effect lost) and was
 * restarted by the reconciliation sweep arms the timer again, so a failing stamp is still isolated.
 * Found by the Cosmos 429/503 fault run (test/robustness/faults.test.ts).
 */

let e2e: E2E;
before(async () => {
  e2e = await startE2E({ env: { STAMPS_ALERT_CORRELATION_SECONDS: '120' } });
});
after(async () => {
  await e2e.stop();
});

describe('e2e: a lost timer is armed again from the stamp document', () => {
  it('the isolation is decided after the orchestration is restarted', async () => {
    e2e.plane.sim.failStamp('weu-003');
    await e2e.advance(2); // the origin-health alert fires; the isolation is decided in 2 minutes
    const failing = await e2e.stamp('weu-003');
    const deadlines = failing['deadlines'] as Record<string, string>;
    assert.ok(deadlines['isolationDecisionAt'] !== undefined, JSON.stringify(failing));
    assert.equal(failing['traffic'], 'in-rotation');

    await e2e.plane.runtime.terminate('weu-003', 'test: the execution that held the timer is gone');
    await e2e.settle();
    await e2e.advance(10); // the reconciliation sweep (every 5 minutes) restarts it
    const after = await e2e.stamp('weu-003');
    assert.equal(after['traffic'], 'isolated', JSON.stringify(after));
  });
});
