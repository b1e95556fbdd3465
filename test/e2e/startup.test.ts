/**
 * Issue 11, defect 6: `npm start` failed half-way (the seed import raced the reconciliation
 * sweep: InstanceAlreadyExistsError for weu-001) and kept answering HTTP with a partial fleet.
 * Now the host opens only when the fleet and its orchestrations are ready, seeding starts each
 * orchestration once, and a failed start stops everything it started.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import type { Services } from '../../shared/app/services';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { LocalControlPlane, startSeedOrchestrationOnce } from '../../shared/local/localControlPlane';
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

function plane(port: number, decorate: (services: Services) => Services): LocalControlPlane {
  return new LocalControlPlane({
    env: {},
    clock: new ManualClock(T0),
    port,
    seed: true,
    databaseName: `startup-${randomUUID().slice(0, 8)}`,
    decorate,
  });
}

/** A store whose create runs `before` first. */
function onCreate(before: (count: number) => Promise<void>): (services: Services) => Services {
  let count = 0;
  return (services) => ({
    ...services,
    store: Object.assign(Object.create(services.store) as Services['store'], {
      create: async (...args: Parameters<Services['store']['create']>) => {
        count += 1;
        await before(count);
        return services.store.create(...args);
      },
    }),
  });
}

describe('local control plane start (issue 11, defect 6)', () => {
  it('accepts requests only once the seed fleet and its orchestrations exist', async () => {
    const port = await closedPort();
    const seen: boolean[] = [];
    const control = plane(
      port,
      onCreate(async () => {
        seen.push(await answers(port));
      }),
    );
    await control.start();
    try {
      assert.equal(seen.length, 10);
      assert.deepEqual([...new Set(seen)], [false], 'the host answered while the fleet was seeded');
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
    const control = plane(
      port,
      onCreate((count) =>
        count === 4 ? Promise.reject(new Error('store refused the 4th stamp')) : Promise.resolve(),
      ),
    );
    await assert.rejects(control.start(), /store refused the 4th stamp/);
    assert.equal(await answers(port), false);
    await control.stop();
  });
});
