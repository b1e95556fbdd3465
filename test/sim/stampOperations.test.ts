import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NotFoundError } from '../../shared/errors';
import type { ManualClock } from '../../shared/local/clock/manualClock';
import type { SimulatedAzure } from '../../shared/local/sim';
import { QUARANTINE_CHECKS } from '../../shared/ports/stampOperations';
import { advanceUntil, checkRun, deploymentRequest, harness, MINUTE, SECOND } from './support';

/** Runs the stamp's quarantine checks again, to their end: whether they pass now. */
async function passesAgain(clock: ManualClock, sim: SimulatedAzure, stampId: string): Promise<boolean> {
  await sim.startQuarantineChecks(checkRun(stampId));
  await clock.advance(10 * MINUTE);
  const again = await sim.getQuarantineChecks({ ...checkRun(stampId), runId: 'latest' });
  return again.state === 'Done' && again.passed;
}

/** How long (at most ten minutes, in steps of a second) until a long operation is Done. */
function untilDone(clock: ManualClock, progress: () => Promise<{ state: string }>): Promise<number> {
  return advanceUntil(clock, async () => (await progress()).state === 'Done', SECOND, 10 * MINUTE);
}

describe('simulated stamp operations', () => {
  it('drains in-flight requests linearly after the origin is disabled: 15 minutes at load 50', async () => {
    const { clock, sim } = harness();
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    assert.equal(await sim.inFlightRequests('weu-001'), 500);
    sim.setLoad('westeurope', 80);
    assert.equal(await sim.inFlightRequests('weu-001'), 800, 'in rotation it follows the load');
    sim.setLoad('westeurope', 50);
    await sim.setOriginEnabled('weu-001', false);
    assert.equal(await sim.inFlightRequests('weu-001'), 500);
    await clock.advance(7.5 * MINUTE);
    assert.equal(await sim.inFlightRequests('weu-001'), 250);
    await clock.advance(7.5 * MINUTE - SECOND);
    assert.equal(await sim.inFlightRequests('weu-001'), 1);
    await clock.advance(SECOND);
    assert.equal(await sim.inFlightRequests('weu-001'), 0);
    await sim.removeOrigin('weu-001');
    assert.equal(await sim.inFlightRequests('weu-001'), 0);
    await sim.stop();
  });

  it('drains over 25 minutes at full load and 5 at none; removing an origin in rotation drains too', async () => {
    const { clock, sim } = harness();
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    sim.seedActiveStamp({ stampId: 'eus-001', region: 'eastus' });
    sim.setLoad('westeurope', 100);
    sim.setLoad('eastus', 0);
    await sim.removeOrigin('weu-001');
    await sim.setOriginEnabled('eus-001', false);
    assert.equal(await sim.inFlightRequests('weu-001'), 1000);
    assert.equal(await sim.inFlightRequests('eus-001'), 0, 'no load, nothing in flight');
    const drained = await advanceUntil(
      clock,
      async () => (await sim.inFlightRequests('weu-001')) === 0,
      MINUTE,
      60 * MINUTE,
    );
    assert.equal(drained, 25 * MINUTE);
    await sim.stop();
  });

  it('has nothing in flight for a stamp that never took traffic, and re-enabling stops a drain', async () => {
    const { clock, sim } = harness();
    await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
    await clock.advance(20 * MINUTE);
    await sim.upsertOrigin({
      stampId: 'weu-001',
      hostName: 'weu-001.stamps.synaxis.example',
      priority: 1,
      weight: 1000,
      enabled: false,
    });
    await clock.advance(10 * MINUTE); // Healthy, but disabled: no traffic yet
    assert.equal(await sim.inFlightRequests('weu-001'), 0);
    await sim.setOriginEnabled('weu-001', true);
    assert.equal(await sim.inFlightRequests('weu-001'), 0, 'no probe has seen it in rotation yet');
    await clock.advance(30 * SECOND);
    assert.equal(await sim.inFlightRequests('weu-001'), 500);
    await sim.setOriginEnabled('weu-001', false);
    await clock.advance(5 * MINUTE);
    assert.equal(await sim.inFlightRequests('weu-001'), 334);
    await sim.setOriginEnabled('weu-001', true);
    assert.equal(await sim.inFlightRequests('weu-001'), 500);
    assert.equal(await sim.inFlightRequests('nobody-001'), 0);
    await sim.stop();
  });

  it('runs quarantine checks 5-10 minutes; they pass, and a second start while running changes nothing', async () => {
    const { clock, sim } = harness();
    await assert.rejects(sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' }), NotFoundError);
    await sim.startQuarantineChecks(checkRun('weu-001'));
    assert.deepEqual(await sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' }), {
      state: 'Running',
    });
    await clock.advance(4 * MINUTE);
    await sim.startQuarantineChecks(checkRun('weu-001'));
    const took = await untilDone(clock, () =>
      sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' }),
    );
    const total = 4 * MINUTE + took;
    assert.ok(total >= 5 * MINUTE && total <= 10 * MINUTE, `checks took ${total / SECOND} s`);
    const done = await sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' });
    assert.deepEqual(
      { ...done, results: undefined },
      {
        state: 'Done',
        passed: true,
        detail:
          'checks passed: diagnostic settings send to the global workspace, logs arrived up to the isolation, the persistent volumes are retained, the cluster answered',
        results: undefined,
      },
    );
    assert.deepEqual(
      done.state === 'Done' ? done.results?.map((r) => [r.name, r.passed]) : [],
      QUARANTINE_CHECKS.map((name) => [name, true]),
      'named as the Azure adapter names them',
    );
    await sim.stop();
  });

  it('fails quarantine checks marked to fail; a failing stamp (retired because it failed) still passes them', async () => {
    const { clock, sim } = harness();
    sim.failQuarantineChecks('weu-001');
    await sim.startQuarantineChecks(checkRun('weu-001'));
    await sim.startQuarantineChecks(checkRun('weu-002'));
    await clock.advance(MINUTE);
    sim.failStamp('weu-002');
    sim.recoverStamp('weu-002');
    await clock.advance(10 * MINUTE);
    const marked = await sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' });
    assert.equal(marked.state, 'Done');
    assert.equal(marked.state === 'Done' && marked.passed, false);
    assert.equal(
      marked.state === 'Done' && marked.detail,
      'checks failed: marked to fail by the simulation (failQuarantineChecks)',
    );
    assert.ok(marked.state === 'Done' && marked.results?.every((r) => !r.passed));
    const failingStamp = await sim.getQuarantineChecks({ ...checkRun('weu-002'), runId: 'latest' });
    assert.equal(failingStamp.state === 'Done' && failingStamp.passed, true);
    // recoverStamp clears the mark: the next run passes.
    sim.recoverStamp('weu-001');
    assert.equal(await passesAgain(clock, sim, 'weu-001'), true);
    await sim.stop();
  });

  it('fails quarantine checks whose region is down, at their start or while they run, and says what failed', async () => {
    const { clock, sim } = harness();
    for (const [stampId, region] of [
      ['weu-001', 'westeurope'],
      ['weu-002', 'westeurope'],
      ['eus-001', 'eastus'],
    ] as const)
      sim.seedActiveStamp({ stampId, region });
    await sim.startQuarantineChecks(checkRun('weu-001'));
    await sim.startQuarantineChecks(checkRun('eus-001'));
    await clock.advance(MINUTE);
    sim.failRegion('westeurope');
    await sim.startQuarantineChecks(checkRun('weu-002'));
    await clock.advance(10 * MINUTE);
    for (const id of ['weu-001', 'weu-002']) {
      const result = await sim.getQuarantineChecks({ ...checkRun(id), runId: 'latest' });
      assert.ok(result.state === 'Done' && !result.passed, id);
      assert.match(
        result.detail,
        /the cluster did not answer and its logs could not be read \(region westeurope is down\)/,
      );
    }
    const elsewhere = await sim.getQuarantineChecks({ ...checkRun('eus-001'), runId: 'latest' });
    assert.equal(elsewhere.state === 'Done' && elsewhere.passed, true, 'another region is not affected');
    // The region back: a new run passes.
    sim.recoverRegion('westeurope');
    assert.equal(await passesAgain(clock, sim, 'weu-001'), true);
    await sim.stop();
  });

  it('deletes workloads in 10-15 minutes, idempotently; the stamp then answers no probe and has nothing in flight', async () => {
    const { clock, sim } = harness();
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    await assert.rejects(sim.getWorkloadDeletion('weu-001'), NotFoundError);
    await sim.startWorkloadDeletion('weu-001');
    await clock.advance(9 * MINUTE);
    await sim.startWorkloadDeletion('weu-001');
    assert.deepEqual(await sim.getWorkloadDeletion('weu-001'), { state: 'Running' });
    const took = await untilDone(clock, () => sim.getWorkloadDeletion('weu-001'));
    const total = 9 * MINUTE + took;
    assert.ok(total >= 10 * MINUTE && total <= 15 * MINUTE, `deletion took ${total / SECOND} s`);
    assert.equal(await sim.inFlightRequests('weu-001'), 0);
    await clock.advance(90 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    await sim.startWorkloadDeletion('weu-001');
    assert.deepEqual(await sim.getWorkloadDeletion('weu-001'), { state: 'Done' });
    await sim.stop();
  });

  it('preserves diagnostics at one immutable location per stamp, fixed by the first call', async () => {
    const { clock, sim } = harness({ start: false });
    await clock.advance(90 * MINUTE);
    assert.deepEqual(await sim.preserveDiagnostics('weu-001'), {
      location: 'immutable://diagnostics/weu-001/2025-01-01T01:30:00.000Z',
    });
    await clock.advance(MINUTE);
    assert.deepEqual(await sim.preserveDiagnostics('weu-001'), {
      location: 'immutable://diagnostics/weu-001/2025-01-01T01:30:00.000Z',
    });
  });
});
