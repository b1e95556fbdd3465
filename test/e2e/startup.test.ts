/**
 * Issue 11, defect 6: `npm start` failed half-way (the seed import raced the reconciliation
 * sweep: InstanceAlreadyExistsError for weu-001) and kept answering HTTP with a partial fleet.
 * Now the host opens only when the fleet and its orchestrations are ready, seeding starts each
 * orchestration once, and a failed start stops everything it started.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadConfig } from '../../shared/config/loadConfig';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { LocalControlPlane, startSeedOrchestrationOnce } from '../../shared/local/localControlPlane';
import { SimulatedAzure } from '../../shared/local/sim';
import { closedPort } from '../cli/support';
import { T0 } from './support/harness';

async function answers(port: number): Promise<boolean> {
  try {
    await (await fetch(`http://127.0.0.1:${port}/api/regions`)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** A simulated Azure that runs `before` each time a deployment is read (the seed reads one per stamp). */
class WatchedAzure extends SimulatedAzure {
  private count = 0;
  constructor(
    clock: ManualClock,
    private readonly before: (count: number) => Promise<void>,
  ) {
    super({ clock, regions: loadConfig({}).policy.regions, onAlert: () => Promise.resolve() });
  }
  override async getDeployment(name: string): ReturnType<SimulatedAzure['getDeployment']> {
    this.count += 1;
    await this.before(this.count);
    return super.getDeployment(name);
  }
}

function plane(port: number, before: (count: number) => Promise<void>): LocalControlPlane {
  const clock = new ManualClock(T0);
  return new LocalControlPlane({
    env: {},
    clock,
    port,
    seed: true,
    databaseName: `startup-${randomUUID().slice(0, 8)}`,
    azure: new WatchedAzure(clock, before),
  });
}

describe('local control plane start (issue 11, defect 6)', () => {
  it('accepts requests only once the seed fleet and its orchestrations exist', async () => {
    const port = await closedPort();
    const seen: boolean[] = [];
    const control = plane(port, async () => {
      seen.push(await answers(port));
    });
    await control.start();
    try {
      assert.equal(seen.length, 10);
      assert.deepEqual([...new Set(seen)], [false], 'the host answered while seeding');
      assert.ok(await answers(port));
      for (const stamp of await control.services.store.list()) {
        const status = await control.runtime.getStatus(stamp.id);
        assert.equal(status?.runtimeStatus, 'Running', stamp.id);
      }
      // Seeding again starts nothing twice.
      const before = await control.runtime.getStatus('weu-001');
      await startSeedOrchestrationOnce(control.runtime, 'weu-001');
      assert.equal((await control.runtime.getStatus('weu-001'))?.createdTime, before?.createdTime);
    } finally {
      await control.stop();
    }
  });

  it('a start that fails half-way rejects and leaves nothing serving', async () => {
    const port = await closedPort();
    const control = plane(port, (count) =>
      count === 4 ? Promise.reject(new Error('the 4th stamp could not be imported')) : Promise.resolve(),
    );
    await assert.rejects(control.start(), /the 4th stamp could not be imported/);
    assert.equal(await answers(port), false);
    await control.stop();
  });
});
