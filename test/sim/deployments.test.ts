import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NotFoundError, TerminalError, ValidationError } from '../../shared/errors';
import { STAMP_TEMPLATE_OUTPUT_NAMES } from '../../shared/ports/stampTemplate';
import { deploymentRequest, harness, MINUTE, sinceT0 } from './support';

describe('simulated ARM deployments', () => {
  it('runs 15-20 simulated minutes, then succeeds with the stamp template outputs and its resource group', async () => {
    const { clock, sim } = harness();
    await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
    const [deployment] = sim.state().deployments;
    assert.ok(deployment);
    assert.equal(deployment.startedAt, '2025-01-01T00:00:00.000Z');
    const durationMs = Date.parse(deployment.endsAt) - Date.parse(deployment.startedAt);
    assert.ok(durationMs >= 15 * MINUTE && durationMs <= 20 * MINUTE, `duration ${durationMs}`);
    assert.deepEqual(sim.state().resourceGroups, [
      { name: 'rg-synaxis-stamp-weu-001', region: 'westeurope', state: 'Exists' },
    ]);

    assert.deepEqual(await sim.getDeployment('stamp-weu-001-1'), { state: 'Running' });
    await clock.advanceTo(new Date(Date.parse(deployment.endsAt) - 1));
    assert.deepEqual(await sim.getDeployment('stamp-weu-001-1'), { state: 'Running' });
    await clock.advance(1);
    const done = await sim.getDeployment('stamp-weu-001-1');
    assert.equal(done.state, 'Succeeded');
    assert.ok(done.state === 'Succeeded');
    assert.equal(done.outputs.originHostName, 'weu-001.stamps.synaxis.example');
    assert.equal(done.outputs['aksClusterName'], 'aks-synaxis-weu-001');
    assert.equal(done.outputs['resourceGroupName'], 'rg-synaxis-stamp-weu-001');
    assert.equal(
      done.outputs['aksClusterResourceId'],
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-synaxis-stamp-weu-001/providers/Microsoft.ContainerService/managedClusters/aks-synaxis-weu-001',
    );
    for (const name of STAMP_TEMPLATE_OUTPUT_NAMES) {
      assert.equal(typeof done.outputs[name], 'string', name);
      assert.notEqual(done.outputs[name], '', name);
    }
    await sim.stop();
  });

  it('is idempotent by name, also after the deployment finished, and keeps its location', async () => {
    const { clock, sim } = harness();
    const request = deploymentRequest('weu-001', 'westeurope');
    await sim.startDeployment(request);
    const first = sim.state().deployments;
    await clock.advance(5 * MINUTE);
    await sim.startDeployment(request);
    assert.deepEqual(sim.state().deployments, first);
    await clock.advance(20 * MINUTE);
    await sim.startDeployment(request);
    assert.equal(sim.state().deployments.length, 1);
    assert.equal(sim.state().deployments[0]?.endsAt, first[0]?.endsAt);
    assert.equal((await sim.getDeployment(request.deploymentName)).state, 'Succeeded');

    await assert.rejects(sim.startDeployment({ ...request, region: 'eastus' }), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.equal(error.code, 'InvalidDeploymentLocation');
      return true;
    });
    await sim.stop();
  });

  it('answers NotFoundError for an unknown deployment and ValidationError for an unknown region', async () => {
    const { sim } = harness();
    await assert.rejects(sim.getDeployment('stamp-nope-001-1'), NotFoundError);
    await assert.rejects(sim.startDeployment(deploymentRequest('nrt-001', 'japaneast')), ValidationError);
    assert.equal(sim.state().deployments.length, 0);
    await sim.stop();
  });

  it('fails the next deployment with the armed code at its planned end, once, in the armed region only', async () => {
    const { clock, sim } = harness();
    sim.failNextDeployment({ code: 'InternalServerError' });
    sim.failNextDeployment({ region: 'eastus' });
    await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
    await sim.startDeployment(deploymentRequest('weu-002', 'westeurope'));
    await sim.startDeployment(deploymentRequest('eus-001', 'eastus'));
    await clock.advance(10 * MINUTE);
    assert.deepEqual(await sim.getDeployment('stamp-weu-001-1'), { state: 'Running' });
    await clock.advance(10 * MINUTE);
    assert.deepEqual(await sim.getDeployment('stamp-weu-001-1'), {
      state: 'Failed',
      code: 'InternalServerError',
      message: "simulated failure of 'stamp-weu-001-1' (InternalServerError)",
    });
    assert.equal((await sim.getDeployment('stamp-weu-002-1')).state, 'Succeeded');
    const eastus = await sim.getDeployment('stamp-eus-001-1');
    assert.equal(eastus.state === 'Failed' ? eastus.code : eastus.state, 'DeploymentFailed');
    // A failed deployment leaves its resource group behind for cleanup, as ARM does.
    assert.deepEqual(
      sim.state().resourceGroups.map((group) => `${group.name} ${group.state}`),
      [
        'rg-synaxis-stamp-weu-001 Exists',
        'rg-synaxis-stamp-weu-002 Exists',
        'rg-synaxis-stamp-eus-001 Exists',
      ],
    );
    await sim.stop();
  });

  it('runs a failed deployment again when it is started again, as a PUT does on ARM (issue 11, defect 3)', async () => {
    const { clock, sim } = harness();
    sim.failNextDeployment({ code: 'InternalServerError' });
    const request = deploymentRequest('weu-001', 'westeurope');
    await sim.startDeployment(request);
    await clock.advance(21 * MINUTE);
    assert.equal((await sim.getDeployment('stamp-weu-001-1')).state, 'Failed');
    await sim.startDeployment(request);
    assert.deepEqual(await sim.getDeployment('stamp-weu-001-1'), { state: 'Running' });
    await clock.advance(21 * MINUTE);
    assert.equal((await sim.getDeployment('stamp-weu-001-1')).state, 'Succeeded');
    // Started again once it succeeded, it stays as it is.
    const done = sim.state().deployments;
    await sim.startDeployment(request);
    assert.deepEqual(sim.state().deployments, done);
    await sim.stop();
  });

  it('refuses a deployment in a region holding max + 2 live resource groups with QuotaExceeded', async () => {
    const { clock, sim } = harness();
    // eastus: max 3, so 5 groups fit and the sixth is refused.
    for (let n = 1; n <= 5; n += 1) await sim.startDeployment(deploymentRequest(`eus-00${n}`, 'eastus'));
    await sim.startDeployment(deploymentRequest('eus-006', 'eastus'));
    assert.deepEqual(
      { ...(await sim.getDeployment('stamp-eus-006-1')), message: undefined },
      { state: 'Failed', code: 'QuotaExceeded', message: undefined },
    );
    assert.equal(sim.state().resourceGroups.length, 5, 'no group for the refused deployment');
    // Redeploying a stamp that already has its group does not need more quota.
    await sim.startDeployment(deploymentRequest('eus-001', 'eastus', 2));
    assert.equal((await sim.getDeployment('stamp-eus-001-2')).state, 'Running');
    // Another region has its own quota.
    await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
    assert.equal((await sim.getDeployment('stamp-weu-001-1')).state, 'Running');

    // A group being deleted still counts; once deleted, the quota is free again.
    await sim.startResourceGroupDeletion('rg-synaxis-stamp-eus-002');
    await sim.startDeployment(deploymentRequest('eus-007', 'eastus'));
    assert.equal((await sim.getDeployment('stamp-eus-007-1')).state, 'Failed');
    await clock.advance(5 * MINUTE);
    await sim.startDeployment(deploymentRequest('eus-008', 'eastus'));
    assert.equal((await sim.getDeployment('stamp-eus-008-1')).state, 'Running');
    await sim.stop();
  });

  it('deletes a resource group in 3-5 minutes; an unknown group is Deleted; a redeploy meanwhile is refused', async () => {
    const { clock, sim } = harness();
    assert.equal(await sim.getResourceGroupDeletion('rg-synaxis-stamp-none-001'), 'Deleted');
    await sim.startResourceGroupDeletion('rg-synaxis-stamp-none-001');
    assert.equal(sim.state().resourceGroups.length, 0);

    await sim.startDeployment(deploymentRequest('sea-001', 'southeastasia'));
    await clock.advance(20 * MINUTE);
    const deletionStart = clock.now().getTime();
    await sim.startResourceGroupDeletion('rg-synaxis-stamp-sea-001');
    await sim.startResourceGroupDeletion('rg-synaxis-stamp-sea-001');
    assert.equal(await sim.getResourceGroupDeletion('rg-synaxis-stamp-sea-001'), 'Deleting');
    await sim.startDeployment(deploymentRequest('sea-001', 'southeastasia', 2));
    const refused = await sim.getDeployment('stamp-sea-001-2');
    assert.equal(refused.state === 'Failed' ? refused.code : refused.state, 'ResourceGroupBeingDeleted');

    await clock.advance(3 * MINUTE - 1000);
    assert.equal(await sim.getResourceGroupDeletion('rg-synaxis-stamp-sea-001'), 'Deleting');
    let elapsed = 3 * MINUTE - 1000;
    while ((await sim.getResourceGroupDeletion('rg-synaxis-stamp-sea-001')) === 'Deleting') {
      await clock.advance(1000);
      elapsed += 1000;
    }
    assert.equal(clock.now().getTime() - deletionStart, elapsed);
    assert.ok(elapsed >= 3 * MINUTE && elapsed <= 5 * MINUTE, `deletion took ${elapsed}`);
    assert.equal(sim.state().resourceGroups[0]?.state, 'Deleted');

    // After the purge, a new generation recreates the group.
    await sim.startDeployment(deploymentRequest('sea-001', 'southeastasia', 3));
    assert.equal((await sim.getDeployment('stamp-sea-001-3')).state, 'Running');
    assert.equal(sim.state().resourceGroups[0]?.state, 'Exists');
    await sim.stop();
  });

  it('fails deployments in a failed region: at once when it is down, at the planned end when it goes down meanwhile', async () => {
    const { clock, sim } = harness();
    await sim.startDeployment(deploymentRequest('weu-001', 'westeurope'));
    await clock.advance(MINUTE);
    sim.failRegion('westeurope');
    await sim.startDeployment(deploymentRequest('weu-002', 'westeurope'));
    const now = await sim.getDeployment('stamp-weu-002-1');
    assert.equal(now.state === 'Failed' ? now.code : now.state, 'RegionUnavailable');
    assert.equal((await sim.getDeployment('stamp-weu-001-1')).state, 'Running');
    const running = sim.state().deployments.find((d) => d.name === 'stamp-weu-001-1');
    assert.equal(running?.failureCode, 'RegionUnavailable');
    sim.recoverRegion('westeurope');
    await clock.advance(20 * MINUTE);
    const later = await sim.getDeployment('stamp-weu-001-1');
    assert.equal(later.state === 'Failed' ? later.code : later.state, 'RegionUnavailable');
    assert.equal(sinceT0(sim.state().deployments[1]?.endsAt ?? ''), '01:00');
    await sim.stop();
  });
});
