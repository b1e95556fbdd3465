import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { TransientError } from '../../shared/errors';
import { type E2E, MINUTE, phasesOf, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

describe('end to end: operations', () => {
  it('a drain is ended by the Service Bus drain timer when in-flight requests are still there', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 70 });
    const drain = await e2e.api('POST', '/api/stamps/weu-003/drain', {
      reason: 'maintenance',
      drainMinutes: 2,
    });
    assert.equal(drain.status, 202, JSON.stringify(drain.body));
    const drainTimers = e2e.plane.bus
      .messages('stamp-lifecycle')
      .filter((m) => m.messageId.includes(':drain-timer:'));
    assert.equal(drainTimers.length, 1, 'one scheduled drain timer');
    await e2e.advance(3);
    const stamp = await e2e.stamp('weu-003');
    assert.equal(stamp['phase'], 'quarantined');
    const history = stamp['history'] as { to: string; cause: { kind: string; reason: string } }[];
    assert.equal(history.at(-1)?.cause.kind, 'timer');
    assert.match(String(history.at(-1)?.cause.reason), /drain timer fired/);
  });

  // Regression: the execution that continued as new at the drain reused its predecessor's first
  // inbox key (newGuid hashes the orchestration time, which had not moved), so the cancel sat in
  // the inbox while the previous batch's effects ran again.
  it('a drain cancelled in the instant it started is cancelled', async () => {
    e2e = await startE2E();
    assert.equal((await e2e.api('POST', '/api/stamps/eus-002/drain', { reason: 'r' })).status, 202);
    await e2e.settle();
    assert.equal(
      (await e2e.api('POST', '/api/stamps/eus-002/cancel-drain', { reason: 'wrong' })).status,
      202,
    );
    await e2e.settle();
    const stamp = await e2e.stamp('eus-002');
    assert.equal(`${String(stamp['phase'])}/${String(stamp['traffic'])}`, 'active/in-rotation');
    assert.deepEqual((await e2e.plane.services.store.readInbox('eus-002')).inbox.pending, []);
  });

  // Regression: a 10-minute drain's timer fired at the same instant as the in-flight poll; the
  // wake-up completed the losing task of the previous Task.any and was never seen again.
  it('a drain timer arriving at the same instant as a poll still ends the drain', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 70 });
    assert.equal(
      (await e2e.api('POST', '/api/stamps/weu-003/drain', { reason: 'm', drainMinutes: 10 })).status,
      202,
    );
    await e2e.advance(9);
    assert.equal((await e2e.stamp('weu-003'))['phase'], 'draining');
    await e2e.advance(2);
    const stamp = await e2e.stamp('weu-003');
    assert.equal(stamp['phase'], 'quarantined');
    const history = stamp['history'] as { at: string; cause: { reason: string } }[];
    assert.equal(history.at(-1)?.at, '2026-06-01T00:10:00.000Z');
    assert.match(String(history.at(-1)?.cause.reason), /drain timer fired/);
  });

  it('capacity alerts scale a region out once (cooldown, no pile-up) and never past its max', async () => {
    e2e = await startE2E({ seed: false });
    for (let i = 0; i < 2; i += 1)
      assert.equal((await e2e.api('POST', '/api/stamps', { region: 'eastus' })).status, 202);
    await e2e.advance(30);
    await e2e.api('POST', '/sim/regions/eastus/load', { utilization: 95 });
    await e2e.advance(3);
    let eastus = (await e2e.api('GET', '/api/stamps?region=eastus')).body['stamps'] as {
      id: string;
      phase: string;
    }[];
    assert.equal(eastus.length, 3, JSON.stringify(eastus));
    assert.equal(eastus.filter((s) => s.phase === 'provisioning').length, 1);
    await e2e.advance(60);
    eastus = (await e2e.api('GET', '/api/stamps?region=eastus')).body['stamps'] as {
      id: string;
      phase: string;
    }[];
    assert.equal(eastus.length, 3, 'the region max (3) holds while the load stays high');
    assert.ok(eastus.every((s) => s.phase === 'active'));
    // Why the next alerts changed nothing is on the region, not only in a log.
    const regions = (await e2e.api('GET', '/api/regions')).body['regions'] as {
      name: string;
      desired: number;
      capacitySignal: { outcome: string; detail: string } | null;
    }[];
    const region = regions.find((r) => r.name === 'eastus');
    assert.equal(region?.desired, 3);
    assert.equal(region?.capacitySignal?.outcome, 'held');
    assert.match(
      region?.capacitySignal?.detail ?? '',
      /eastus already has eus-003 on the way|already desires 3, its maximum/,
    );

    // The load falls back: the capacity alerts resolve, and the held episode is over.
    await e2e.api('POST', '/sim/regions/eastus/load', { utilization: 50 });
    await e2e.advance(5);
    const after = ((await e2e.api('GET', '/api/regions')).body['regions'] as typeof regions).find(
      (r) => r.name === 'eastus',
    ) as { capacitySignal: { outcome: string; resolvedAt?: string } | null } | undefined;
    assert.equal(after?.capacitySignal?.outcome, 'held');
    assert.ok(after?.capacitySignal?.resolvedAt !== undefined, JSON.stringify(after?.capacitySignal));
    const signals = (await e2e.api('GET', '/api/signals?outcome=accepted')).body['recent'] as {
      outcome: string;
      signalType?: string;
    }[];
    assert.ok(signals.some((r) => r.outcome === 'accepted' && r.signalType === 'CapacityResolved'));
    assert.ok(
      e2e.logs.some((line) =>
        /capacity alert .* resolved on eus-00\d: the CapacityHigh episode of eastus begun at .* is over/.test(
          line,
        ),
      ),
      e2e.logs.join('\n'),
    );
  });

  it('a capacity alert that stays fired keeps scaling the region out, one cooldown at a time, until it resolves', async () => {
    // Azure Monitor's metric alerts are stateful: one Fired, then nothing until Resolved. The
    // reconciliation sweep decides an open episode again, so a held scale-out is not lost. A
    // cooldown longer than a stamp's build makes each new stamp's own alert arrive while it runs.
    e2e = await startE2E({
      seed: false,
      env: {
        STAMPS_REGIONS: 'westeurope:weu:1:4:1,eastus:eus:2:3:0,southeastasia:sea:3:3:0',
        STAMPS_SCALE_COOLDOWN_MINUTES: '40',
      },
    });
    await e2e.advance(30);
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 95 });
    await e2e.advance(180);
    const region = (await e2e.api('GET', '/api/regions/westeurope')).body as {
      desired: number;
      desiredChanges: { to: number; reason: string }[];
      capacitySignal: { outcome: string; detail: string; resolvedAt?: string };
    };
    assert.equal(region.desired, 4, 'up to the region max');
    assert.ok(
      region.desiredChanges.some((c) => /alert still fired since the episode's last decision/.test(c.reason)),
      JSON.stringify(region.desiredChanges.map((c) => c.reason)),
    );
    assert.equal(region.capacitySignal.outcome, 'held');
    assert.match(region.capacitySignal.detail, /already desires 4, its maximum/);

    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 50 });
    await e2e.advance(30);
    const after = (await e2e.api('GET', '/api/regions/westeurope')).body as typeof region;
    assert.ok(after.capacitySignal.resolvedAt !== undefined, 'the episode is over');
    assert.equal(after.desiredChanges.length, region.desiredChanges.length, 'and nothing more changed');
  });

  it('an episode whose Resolved was lost goes at most three steps further, then waits', async () => {
    e2e = await startE2E({
      seed: false,
      env: {
        STAMPS_REGIONS: 'westeurope:weu:1:8:1,eastus:eus:2:3:0,southeastasia:sea:3:3:0',
        STAMPS_TOTAL_MAX: '12',
      },
    });
    await e2e.advance(30);
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 95 });
    await e2e.advance(2);
    // The load falls, but Azure Monitor's Resolved never arrives.
    await e2e.api('POST', '/sim/chaos/drop-alerts', { minutes: 600 });
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 50 });
    await e2e.advance(6 * 60);
    const region = (await e2e.api('GET', '/api/regions/westeurope')).body as {
      desired: number;
      capacitySignal: { continued?: number; resolvedAt?: string };
    };
    assert.equal(region.capacitySignal.resolvedAt, undefined, 'never resolved');
    assert.equal(region.capacitySignal.continued, 3);
    assert.equal(region.desired, 2 + 3, 'the first step, then three more, not the region max of 8');
  });

  it('duplicated and reordered alerts: one isolation, and a stale Resolved does not rejoin', async () => {
    e2e = await startE2E();
    const alert = (condition: 'Fired' | 'Resolved', firedAt: string, resolvedAt?: string) => ({
      schemaId: 'azureMonitorCommonAlertSchema',
      data: {
        essentials: {
          alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/dup-1',
          alertRule: 'frontdoor-origin-health',
          severity: 'Sev1',
          signalType: 'Metric',
          monitorCondition: condition,
          firedDateTime: firedAt,
          ...(resolvedAt === undefined ? {} : { resolvedDateTime: resolvedAt }),
        },
        alertContext: {
          condition: {
            allOf: [
              {
                metricName: 'OriginHealthPercentage',
                operator: 'LessThan',
                metricValue: 0,
                dimensions: [{ name: 'Origin', value: 'eus-002' }],
              },
            ],
          },
        },
        customProperties: null,
      },
    });
    const now = e2e.clock.now().getTime();
    const at = (minutes: number) => new Date(now + minutes * MINUTE).toISOString();
    // A Resolved from an earlier outage arrives late, after the Fired of this one.
    for (let i = 0; i < 3; i += 1) assert.equal((await e2e.alert(alert('Fired', at(0)))).status, 202);
    assert.equal((await e2e.alert(alert('Resolved', at(-10), at(-5)))).status, 202);
    await e2e.advance(3);
    const stamp = await e2e.stamp('eus-002');
    assert.equal(stamp['traffic'], 'isolated');
    assert.deepEqual(phasesOf(stamp), ['active/in-rotation', 'active/isolated']);
    const replacements = (
      (await e2e.api('GET', '/api/stamps')).body['stamps'] as { replacementFor: string | null }[]
    ).filter((s) => s.replacementFor === 'eus-002');
    assert.equal(replacements.length, 1, 'one replacement');
  });

  it('an activity crashing mid-provision is retried without a second deployment', async () => {
    let crashes = 0;
    e2e = await startE2E({
      seed: false,
      decorate: (services) => ({
        ...services,
        deployer: {
          startDeployment: async (request) => {
            await services.deployer.startDeployment(request);
            // The deployment started, then the activity died before reporting it.
            if (crashes < 2) {
              crashes += 1;
              throw new TransientError('worker recycled mid-activity', 'Crash');
            }
          },
          getDeployment: (name) => services.deployer.getDeployment(name),
          startResourceGroupDeletion: (group) => services.deployer.startResourceGroupDeletion(group),
          getResourceGroupDeletion: (group) => services.deployer.getResourceGroupDeletion(group),
          remainingStampQuota: (region) => services.deployer.remainingStampQuota(region),
          previewDeployment: (request) => services.deployer.previewDeployment(request),
          deploymentPermissions: () => services.deployer.deploymentPermissions(),
        },
      }),
    });
    assert.equal((await e2e.api('POST', '/api/stamps', { region: 'southeastasia' })).status, 202);
    await e2e.advance(30);
    assert.equal(crashes, 2);
    assert.equal((await e2e.stamp('sea-001'))['phase'], 'active');
    const deployments = e2e.plane.sim.state().deployments.filter((d) => d.stampId === 'sea-001');
    assert.equal(deployments.length, 1, JSON.stringify(deployments));
  });

  it('a dependency failing briefly answers 503 with Retry-After, and the reserved slot is given back', async () => {
    let failCreates = 1;
    e2e = await startE2E({
      seed: false,
      decorate: (services) => ({
        ...services,
        store: new Proxy(services.store, {
          get(target, property, receiver): unknown {
            if (property === 'create' && failCreates > 0) {
              return () => {
                failCreates -= 1;
                return Promise.reject(
                  new TransientError('Cosmos DB throttled the request (429)', 'TooManyRequests'),
                );
              };
            }
            return Reflect.get(target, property, receiver) as unknown;
          },
        }),
      }),
    });
    const failed = await e2e.api('POST', '/api/stamps', { region: 'westeurope' });
    assert.equal(failed.status, 503, JSON.stringify(failed.body));
    assert.match(failed.contentType, /^application\/problem\+json/);
    assert.match(String(failed.body['detail']), /TooManyRequests.*retry in 5 seconds/);
    const regions = (await e2e.api('GET', '/api/regions')).body['regions'] as {
      name: string;
      counts: Record<string, number>;
      holding: number;
    }[];
    const westeurope = regions.find((r) => r.name === 'westeurope');
    assert.equal(westeurope?.counts['provisioning'], 0, 'the slot was given back');
    assert.equal(westeurope?.holding, 0, 'nothing holds a place in westeurope');
    const retried = await e2e.api('POST', '/api/stamps', { region: 'westeurope' });
    assert.equal(retried.status, 202);
    assert.equal(retried.body['id'], 'weu-002', 'ids are never reused, even for a request that failed');
    const after = (await e2e.api('GET', '/api/regions')).body['regions'] as typeof regions;
    assert.equal(
      after.find((r) => r.name === 'westeurope')?.holding,
      1,
      'a provisioning stamp holds a place',
    );
  });
});
