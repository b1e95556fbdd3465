import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_POLICY } from '../../shared/lifecycle/policy';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { startEmbeddedCosmos } from '../../shared/local/cosmos';
import { postAsActionGroup } from '../../shared/local/host/localIdentity';
import { LocalControlPlane } from '../../shared/local/localControlPlane';
import { SimulatedAzure } from '../../shared/local/sim';
import { perSuite } from '../support/lifetime';
import { drive, hostOnSharedStore, phasesOf, T0 } from './support/harness';

// Cosmos DB outlives the host, as a real account would: it runs in the test process.
const cosmos = perSuite(
  () => startEmbeddedCosmos(),
  (r) => r.stop(),
);

describe('end to end: the local host restarted mid-lifecycle', () => {
  it('resumes a provisioning stamp from its stored orchestration and brings it to active', async () => {
    const clock = new ManualClock(T0);
    let current: LocalControlPlane | undefined;
    const azure = new SimulatedAzure({
      clock,
      regions: DEFAULT_POLICY.regions,
      onAlert: async (payload) => {
        if (current === undefined) throw new Error('no host');
        await postAsActionGroup(current.origin, current.identity, JSON.stringify(payload));
      },
    });
    const options = { ...hostOnSharedStore(cosmos(), 'restart', clock), azure };

    current = new LocalControlPlane(options);
    await current.start();
    const first = drive(current, clock);
    assert.equal((await first.api('POST', '/api/stamps', { region: 'eastus' })).status, 202);
    await first.advance(5);
    assert.equal((await first.stamp('eus-001'))['phase'], 'provisioning');
    await current.stop();

    // Time passes while nothing runs; the deployment finishes in "Azure" meanwhile.
    await clock.advance(20 * 60_000);

    current = new LocalControlPlane(options);
    await current.start();
    const second = drive(current, clock);
    await second.advance(10);
    const stamp = await second.stamp('eus-001');
    assert.equal(stamp['phase'], 'active', JSON.stringify(phasesOf(stamp)));
    assert.deepEqual(phasesOf(stamp), ['provisioning', 'registering', 'active/in-rotation']);
    assert.equal(azure.state().deployments.filter((d) => d.stampId === 'eus-001').length, 1);
    await current.stop();
  });
});
