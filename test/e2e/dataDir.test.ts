import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { ManualClock } from '../../shared/local/clock/manualClock';
import { LocalControlPlane } from '../../shared/local/localControlPlane';
import { readSavedState, STATE_FILE } from '../../shared/local/persistence/stateDirectory';
import { ISOLATED_AND_RETIRED } from '../support/lifecyclePaths';
import { drive, type E2E, phasesOf, T0 } from './support/harness';

const dir = mkdtempSync(join(tmpdir(), 'stamps-data-'));
let plane: LocalControlPlane | undefined;
after(async () => {
  await plane?.stop();
  if (process.env['KEEP_DATA_DIR'] === undefined) rmSync(dir, { recursive: true, force: true });
});

/** Starts the control plane on the state directory, its clock where the saved state left it. */
async function startOnDir(): Promise<E2E> {
  const saved = await readSavedState(dir);
  const clock = new ManualClock(saved === undefined ? T0 : new Date(saved.clock));
  plane = new LocalControlPlane({ env: {}, clock, port: 0, seed: true, dataDir: dir, saveEveryMs: 60_000 });
  await plane.start();
  return drive(plane, clock);
}

async function restart(): Promise<E2E> {
  await plane?.stop();
  plane = undefined;
  return startOnDir();
}

describe('end to end: --data-dir keeps the local state across restarts', () => {
  it('a restarted host resumes its orchestrations, history, simulated Azure and archives', async () => {
    let e2e = await startOnDir();
    await e2e.api('POST', '/sim/stamps/weu-002/fail');
    await e2e.advance(3);
    assert.equal((await e2e.stamp('weu-002'))['traffic'], 'isolated');
    assert.equal((await e2e.stamp('weu-005'))['phase'], 'provisioning');
    const stampsBefore = ((await e2e.api('GET', '/api/stamps')).body['stamps'] as { id: string }[]).map(
      (s) => s.id,
    );
    const timeBefore = e2e.clock.now().toISOString();

    e2e = await restart();
    assert.equal(e2e.clock.now().toISOString(), timeBefore, 'simulated time goes on from the saved instant');
    const stampsAfter = ((await e2e.api('GET', '/api/stamps')).body['stamps'] as { id: string }[]).map(
      (s) => s.id,
    );
    assert.deepEqual(stampsAfter, stampsBefore, 'the same fleet, not a new seed');
    assert.equal((await e2e.stamp('weu-002'))['traffic'], 'isolated');
    // The simulated Front Door kept the origins: the isolated one is still disabled.
    assert.equal(
      e2e.plane.sim.state().origins.find((o) => o.stampId === 'weu-002')?.enabledState,
      'Disabled',
    );
    const metrics = (await e2e.api('GET', '/api/metrics?minutes=15')).body as {
      stamps: { id: string; series: { requestsPerMinute: (number | null)[] } }[];
    };
    assert.ok(
      (metrics.stamps.find((s) => s.id === 'weu-001')?.series.requestsPerMinute ?? []).some(
        (p) => p !== null,
      ),
      'the metrics recorded before the restart are still there',
    );

    // The deployment started before the restart finishes in the restored simulation, and the
    // resumed orchestrations carry both stamps on: the replacement to active, the failed one to its archive.
    await e2e.advance(30);
    assert.equal((await e2e.stamp('weu-005'))['phase'], 'active');
    await e2e.advance(60);
    assert.equal((await e2e.stamp('weu-002'))['phase'], 'archived');

    e2e = await restart();
    const archived = await e2e.stamp('weu-002');
    assert.deepEqual(phasesOf(archived), ISOLATED_AND_RETIRED, 'the whole audit history');
    const archive = await e2e.api('GET', '/api/stamps/weu-002/archive');
    assert.equal(archive.status, 200, JSON.stringify(archive.body));
    assert.equal(archive.body['verified'], true, JSON.stringify(archive.body));
    const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as { version: number };
    assert.equal(state.version, 1);
  });

  it('refuses a state file it did not write, saying what to do', async () => {
    const other = mkdtempSync(join(tmpdir(), 'stamps-bad-'));
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(other, STATE_FILE), JSON.stringify({ version: 99 }));
      await assert.rejects(
        readSavedState(other),
        /is not a state this version wrote .*move it away to start afresh/,
      );
      writeFileSync(join(other, STATE_FILE), '{not json');
      await assert.rejects(readSavedState(other), /is not JSON; move it away/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
