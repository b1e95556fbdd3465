import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ValidationError } from '../../shared/errors';
import { DEFAULT_POLICY } from '../../shared/lifecycle/policy';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { SimulatedAzure } from '../../shared/local/sim';
import { checkRun, deploymentRequest, harness, MINUTE, SECOND, T0 } from './support';

/** Durations drawn by one scripted run: deployments, resource group deletion, warm-up, checks, deletion. */
async function scriptedRun(options: { seed?: number; random?: () => number }): Promise<string[]> {
  const { clock, sim } = harness(options);
  await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
  await sim.startDeployment(deploymentRequest('eus-001', 'eastus'));
  await sim.startResourceGroupDeletion('rg-synaxis-stamp-eus-001');
  await sim.startQuarantineChecks(checkRun('weu-001'));
  await sim.startWorkloadDeletion('weu-001');
  const state = sim.state();
  const ends = [
    ...state.deployments.map((deployment) => `${deployment.name} ${deployment.endsAt}`),
    `checks done ${await doneAt(clock, async () => (await sim.getQuarantineChecks({ ...checkRun('weu-001'), runId: 'latest' })).state === 'Done')}`,
  ];
  await sim.stop();
  return ends;
}

async function doneAt(clock: ManualClock, done: () => Promise<boolean>): Promise<string> {
  while (!(await done())) await clock.advance(SECOND);
  return clock.now().toISOString();
}

describe('the simulation as a whole', () => {
  it('is deterministic: the same seed draws the same durations, another seed others', async () => {
    const first = await scriptedRun({ seed: 42 });
    assert.deepEqual(await scriptedRun({ seed: 42 }), first);
    assert.notDeepEqual(await scriptedRun({ seed: 43 }), first);
    assert.equal(first.length, 3);
  });

  it('takes the injected random: 0 draws every minimum', async () => {
    assert.deepEqual(await scriptedRun({ random: () => 0 }), [
      'stamp-weu-001-1 2025-01-01T00:15:00.000Z',
      'stamp-eus-001-1 2025-01-01T00:15:00.000Z',
      'checks done 2025-01-01T00:05:00.000Z',
    ]);
  });

  it('sleeps only on the injected clock: one pending sleep while started, none after stop, start twice is one loop', async () => {
    const clock = new ManualClock(T0);
    const sim = new SimulatedAzure({
      clock,
      regions: DEFAULT_POLICY.regions,
      onAlert: () => Promise.resolve(),
    });
    sim.start();
    sim.start();
    assert.equal(clock.pendingCount(), 1);
    assert.equal(clock.nextDueAt()?.toISOString(), '2025-01-01T00:00:30.000Z');
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    await clock.advance(10 * MINUTE);
    assert.equal(clock.pendingCount(), 1);
    await sim.stop();
    assert.equal(clock.pendingCount(), 0);
    // Stopped: no more probes, so a failure goes unseen.
    sim.failStamp('weu-001');
    await clock.advance(10 * MINUTE);
    assert.equal(sim.state().origins[0]?.health, 'Healthy');
    // And it can start again.
    sim.start();
    await clock.advance(90 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    await sim.stop();
  });

  it('reports deployments, resource groups, origins, failures, load, alerts and archives in state()', async () => {
    const { clock, sim } = harness({ random: () => 0.5 });
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    await sim.startDeployment(deploymentRequest('eus-001', 'eastus'));
    sim.failStamp('weu-001');
    sim.failRegion('southeastasia');
    sim.setLoad('eastus', 85);
    await clock.advance(2 * MINUTE);
    const state = sim.state();
    assert.deepEqual(
      { ...state, activeAlerts: state.activeAlerts.map((alert) => `${alert.alertRule} ${alert.stampId}`) },
      {
        now: '2025-01-01T00:02:00.000Z',
        deployments: [
          {
            name: 'stamp-weu-001-1',
            stampId: 'weu-001',
            region: 'westeurope',
            state: 'Succeeded',
            startedAt: '2025-01-01T00:00:00.000Z',
            endsAt: '2025-01-01T00:00:00.000Z',
          },
          {
            name: 'stamp-eus-001-1',
            stampId: 'eus-001',
            region: 'eastus',
            state: 'Running',
            startedAt: '2025-01-01T00:00:00.000Z',
            endsAt: '2025-01-01T00:17:30.000Z',
          },
        ],
        resourceGroups: [
          { name: 'rg-synaxis-stamp-weu-001', region: 'westeurope', state: 'Exists' },
          { name: 'rg-synaxis-stamp-eus-001', region: 'eastus', state: 'Exists' },
        ],
        origins: [
          {
            stampId: 'weu-001',
            hostName: 'weu-001.stamps.synaxis.example',
            enabledState: 'Enabled',
            priority: 1,
            weight: 1000,
            health: 'Unhealthy',
          },
        ],
        failingStamps: ['weu-001'],
        failedRegions: ['southeastasia'],
        load: { westeurope: 50, eastus: 85, southeastasia: 50 },
        activeAlerts: ['frontdoor-origin-health weu-001'],
        alertDelivery: {
          pending: 0,
          delivering: false,
          waitingForRetry: false,
          delivered: 1,
          failedDeliveries: 0,
          delayed: 0,
        },
        chaos: [],
      },
    );
    assert.throws(() => sim.setLoad('eastus', 101), ValidationError);
    assert.throws(() => sim.failRegion('mars'), ValidationError);
    assert.throws(() => sim.failNextDeployment({ region: 'mars' }), ValidationError);
    await sim.stop();
  });
});
