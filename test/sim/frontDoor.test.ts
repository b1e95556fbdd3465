import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NotFoundError, ValidationError } from '../../shared/errors';
import type { OriginSpec } from '../../shared/ports/trafficManager';
import { advanceUntil, deploymentRequest, harness, MINUTE, SECOND } from './support';

const spec = (stampId: string, overrides: Partial<OriginSpec> = {}): OriginSpec => ({
  stampId,
  hostName: `${stampId}.stamps.synaxis.example`,
  priority: 1,
  weight: 1000,
  enabled: true,
  ...overrides,
});

describe('simulated Front Door origins', () => {
  it('upserts, enables, disables and removes idempotently, as the port says', async () => {
    const { sim } = harness({ start: false });
    await sim.upsertOrigin(spec('weu-001'));
    await sim.upsertOrigin(spec('weu-001', { priority: 2, weight: 500, enabled: false }));
    assert.deepEqual(await sim.listOrigins(), [
      {
        stampId: 'weu-001',
        hostName: 'weu-001.stamps.synaxis.example',
        enabled: false,
        priority: 2,
        weight: 500,
      },
    ]);
    await sim.setOriginEnabled('weu-001', true);
    await sim.setOriginEnabled('weu-001', true);
    assert.equal((await sim.getOrigin('weu-001'))?.enabled, true);
    await sim.setOriginEnabled('weu-001', false);
    assert.equal(sim.state().origins[0]?.enabledState, 'Disabled');
    await assert.rejects(sim.setOriginEnabled('eus-404', false), NotFoundError);

    await sim.removeOrigin('weu-001');
    await sim.removeOrigin('weu-001');
    await sim.removeOrigin('never-001');
    assert.equal(await sim.getOrigin('weu-001'), undefined);
    assert.deepEqual(await sim.listOrigins(), []);
  });

  it('refuses what Front Door refuses: priority outside 1-5, weight outside 1-1000 (as rejections)', async () => {
    const { sim } = harness({ start: false });
    await assert.rejects(sim.upsertOrigin(spec('weu-001', { priority: 0 })), ValidationError);
    await assert.rejects(sim.upsertOrigin(spec('weu-001', { priority: 6 })), ValidationError);
    await assert.rejects(sim.upsertOrigin(spec('weu-001', { weight: 1001 })), ValidationError);
    await assert.rejects(sim.upsertOrigin(spec('weu-001', { hostName: ' ' })), ValidationError);
    assert.deepEqual(await sim.listOrigins(), []);
  });

  it('registers a deployed stamp in 2-5 minutes: probes fail while the origin warms up, then 3 successes make it Healthy', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { clock, sim } = harness({ seed });
      await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
      await advanceUntil(
        clock,
        async () => (await sim.getDeployment('stamp-weu-001-1')).state === 'Succeeded',
        MINUTE,
        20 * MINUTE,
      );
      await sim.upsertOrigin(spec('weu-001'));
      assert.equal(sim.state().origins[0]?.health, 'Unknown');
      assert.equal(await sim.check('weu-001.stamps.synaxis.example'), 'Unhealthy');
      const took = await advanceUntil(
        clock,
        async () => (await sim.check('weu-001.stamps.synaxis.example')) === 'Healthy',
        30 * SECOND,
        10 * MINUTE,
      );
      assert.ok(
        took >= 2 * MINUTE && took <= 5 * MINUTE,
        `seed ${seed}: registration took ${took / SECOND} s`,
      );
      assert.equal(sim.state().origins[0]?.health, 'Healthy');
      await sim.stop();
    }
  });

  it('keeps an origin failing until its deployment succeeds; an unknown host name is Unhealthy', async () => {
    const { clock, sim } = harness();
    await sim.startDeployment(deploymentRequest('eus-001', 'eastus'));
    await sim.upsertOrigin(spec('eus-001'));
    await clock.advance(10 * MINUTE);
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    assert.equal(await sim.check('eus-001.stamps.synaxis.example'), 'Unhealthy');
    await clock.advance(10 * MINUTE + 90 * SECOND);
    assert.equal(await sim.check('eus-001.stamps.synaxis.example'), 'Healthy');
    assert.equal(await sim.check('nobody.example'), 'Unhealthy');
    await sim.stop();
  });

  it('turns a failing stamp Unhealthy on the third failed probe (90 s) and Healthy on the third good one', async () => {
    const { clock, sim } = harness();
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    assert.equal(await sim.check('weu-001.stamps.synaxis.example'), 'Healthy');
    sim.failStamp('weu-001');
    await clock.advance(89 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Healthy');
    await clock.advance(1 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    assert.equal(await sim.check('weu-001.stamps.synaxis.example'), 'Unhealthy');
    sim.recoverStamp('weu-001');
    await clock.advance(60 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    await clock.advance(30 * SECOND);
    assert.equal(sim.state().origins[0]?.health, 'Healthy');
    await sim.stop();
  });

  it('fails every origin of a failed region and no other; recovery brings them back', async () => {
    const { clock, sim } = harness();
    for (const [stampId, region] of [
      ['weu-001', 'westeurope'],
      ['weu-002', 'westeurope'],
      ['eus-001', 'eastus'],
    ] as const) {
      sim.seedActiveStamp({ stampId, region });
    }
    sim.failRegion('westeurope');
    await clock.advance(90 * SECOND);
    assert.deepEqual(
      sim.state().origins.map((origin) => `${origin.stampId} ${origin.health}`),
      ['weu-001 Unhealthy', 'weu-002 Unhealthy', 'eus-001 Healthy'],
    );
    assert.deepEqual(sim.state().failedRegions, ['westeurope']);
    sim.recoverRegion('westeurope');
    await clock.advance(90 * SECOND);
    assert.deepEqual(
      sim.state().origins.map((origin) => origin.health),
      ['Healthy', 'Healthy', 'Healthy'],
    );
    await sim.stop();
  });
});
