import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ARM_SCOPE, createAzureAdapters } from '../../../shared/azure';
import {
  FLUX_CONFIGURATION,
  LIST_VOLUMES,
  PRESERVE_SETTING,
  stampResources,
} from '../../../shared/azure/operations';
import { TerminalError } from '../../../shared/errors';
import type { OriginMetrics } from '../../../shared/ports/originMetrics';
import { QUARANTINE_CHECKS, type StampOperations } from '../../../shared/ports/stampOperations';
import type { TrafficManager } from '../../../shared/ports/trafficManager';
import type { ArmStandIn } from './support/armStandIn';
import { armStandInSuite } from './support/armSuite';
import {
  azureConfig,
  STATIC_TOKEN,
  StaticTokenCredential,
  SUBSCRIPTION_ID,
  WORKSPACE_ID,
} from './support/fixtures';
import { addStampStandIn, type StampStandIn } from './support/stampStandIn';

/**
 * The Azure StampOperations with the real SDK clients (arm-containerservice, arm-resources,
 * arm-kubernetesconfiguration, monitor-query-metrics, monitor-query-logs) against the local HTTPS
 * stand-ins, which answer in the services' documented shapes.
 */
const T0 = new Date('2026-06-01T12:00:30.000Z');
let now = T0;
const clock = { now: () => now, sleepUntil: () => Promise.resolve() };

function adaptersFor(arm: ArmStandIn): {
  operations: StampOperations;
  traffic: TrafficManager;
  originMetrics: OriginMetrics;
} {
  const adapters = createAzureAdapters(azureConfig(), {
    credential: new StaticTokenCredential(),
    arm: { endpoint: arm.endpoint, credentialScopes: [ARM_SCOPE], agent: arm.agent },
    logs: { endpoint: `${arm.endpoint}v1`, agent: arm.agent },
    clock,
    updateIntervalInMs: 5,
  });
  return {
    operations: adapters.stampOperations,
    traffic: adapters.trafficManager,
    originMetrics: adapters.originMetrics,
  };
}

describe('contract: StampOperations on Azure against the stand-ins', () => {
  let stamp: StampStandIn;
  const arm = armStandInSuite((a) => {
    a.extraRoutes.length = 0;
    stamp = addStampStandIn(a);
    now = T0;
  });
  const cluster = (stampId: string) => stampResources(SUBSCRIPTION_ID, stampId).clusterId;
  const disk = (name: string) =>
    `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/mc_rg-synaxis-stamp-weu-001/providers/Microsoft.Compute/disks/${name}`;

  it("reads in-flight requests from OriginRequestCount of the stamp's origin, two whole minutes ending three minutes ago", async () => {
    const { operations, traffic } = adaptersFor(arm());
    await traffic.upsertOrigin({
      stampId: 'weu-001',
      hostName: 'weu-001.example.net',
      priority: 1,
      weight: 1000,
      enabled: false,
    });
    // Other origins' requests are not this stamp's, and a dozen busier origins do not crowd it out.
    for (let i = 2; i < 14; i += 1)
      stamp.originRequests.set(
        `weu-0${String(i).padStart(2, '0')}.example.net`,
        new Map([['2026-06-01T11:56:00.000Z', 1000]]),
      );
    stamp.originRequests.set(
      'weu-001.example.net',
      new Map([
        ['2026-06-01T11:56:00.000Z', 5],
        ['2026-06-01T11:57:00.000Z', 2],
        ['2026-06-01T11:58:00.000Z', 9],
      ]),
    );
    assert.equal(await operations.inFlightRequests('weu-001'), 5, 'minutes 11:55 and 11:56 at 12:00:30');
    now = new Date('2026-06-01T12:02:10.000Z');
    assert.equal(await operations.inFlightRequests('weu-001'), 11, 'minutes 11:57 and 11:58');
    now = new Date('2026-06-01T12:04:00.000Z');
    assert.equal(await operations.inFlightRequests('weu-001'), 0, 'two quiet minutes');
    const read = arm()
      .calls.filter((c) => c.path.endsWith('/providers/Microsoft.Insights/metrics'))
      .at(-1);
    assert.equal(
      read?.path,
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-global/providers/Microsoft.Cdn/profiles/synaxis-fd/providers/Microsoft.Insights/metrics`,
    );
    assert.equal(read?.apiVersion, '2023-10-01');
    assert.equal(
      new URLSearchParams(read?.search).get('$filter'),
      "Origin eq 'weu-001.example.net' or Origin eq 'weu-001'",
    );
    assert.equal(read?.authorization, `Bearer ${STATIC_TOKEN}`);
    assert.equal(
      await operations.inFlightRequests('weu-404'),
      0,
      'a stamp without an origin has nothing in flight',
    );
  });

  it("reads a canary's figures: requests and 5xx from OriginRequestCount by HttpStatusGroup, latency from OriginLatency weighted by requests, the window ending three minutes ago", async () => {
    const { originMetrics, traffic } = adaptersFor(arm());
    for (const id of ['weu-001', 'weu-005'])
      await traffic.upsertOrigin({
        stampId: id,
        hostName: `${id}.example.net`,
        priority: 1,
        weight: 10,
        enabled: true,
      });
    /** Per minute after 11:00: [minute, value] pairs. */
    const series = (...points: [number, number][]) =>
      new Map(points.map(([m, v]) => [`2026-06-01T11:${String(m).padStart(2, '0')}:00.000Z`, v]));
    stamp.originRequests.set('weu-005.example.net', series([50, 100], [52, 100], [55, 300], [58, 999]));
    stamp.originErrors.set('weu-005.example.net', series([50, 10], [52, 10], [55, 30]));
    stamp.originLatency.set('weu-005.example.net', series([50, 100], [52, 100], [55, 200], [58, 5000]));
    stamp.originRequests.set('weu-001.example.net', series([50, 1], [52, 9000]));
    stamp.originLatency.set('weu-001.example.net', series([50, 999], [52, 80]));
    const read = await originMetrics.trafficOf({
      stampIds: ['weu-005', 'weu-001', 'weu-404'],
      from: '2026-06-01T11:50:20.000Z',
      to: now.toISOString(),
    });
    // At 12:00:30 the last complete minute Azure Monitor has is 11:57: 11:58 is not read yet.
    assert.deepEqual(
      { from: read.from, to: read.to },
      { from: '2026-06-01T11:51:00.000Z', to: '2026-06-01T11:57:00.000Z' },
    );
    // 11:50 began before the step (11:50:20): not the canary's.
    assert.deepEqual(read.byStamp['weu-005'], { requests: 400, errorPercent: 10, latencyMs: 175 });
    assert.deepEqual(read.byStamp['weu-001'], { requests: 9000, errorPercent: 0, latencyMs: 80 });
    assert.deepEqual(
      read.byStamp['weu-404'],
      { requests: 0, errorPercent: 0, latencyMs: 0 },
      'no origin, no traffic',
    );
    const calls = arm().calls.filter((c) => c.path.endsWith('/providers/Microsoft.Insights/metrics'));
    assert.deepEqual(calls.map((c) => new URLSearchParams(c.search).get('metricnames')).sort(), [
      'OriginLatency',
      'OriginRequestCount',
    ]);
    for (const c of calls)
      assert.equal(new URLSearchParams(c.search).get('top'), '1000', 'more than the default 10 series');
    const filters = calls.map((c) => new URLSearchParams(c.search).get('$filter')).sort();
    assert.deepEqual(filters, [
      "Origin eq 'weu-005' or Origin eq 'weu-005.example.net' or Origin eq 'weu-001' or Origin eq 'weu-001.example.net' or Origin eq 'weu-404'",
      "Origin eq 'weu-005' or Origin eq 'weu-005.example.net' or Origin eq 'weu-001' or Origin eq 'weu-001.example.net' or Origin eq 'weu-404' and HttpStatusGroup eq '*'",
    ]);
  });

  it('preserves diagnostics: keeps a setting that sends to the global workspace, adds one when none does', async () => {
    const { operations } = adaptersFor(arm());
    stamp.clusters.add(cluster('weu-001').toLowerCase());
    const first = await operations.preserveDiagnostics('weu-001');
    assert.match(first.location, new RegExp(`^${WORKSPACE_ID} \\(diagnostic setting ${PRESERVE_SETTING} `));
    const put = arm().calls.find((c) => c.method === 'PUT' && c.path.includes('diagnosticSettings'));
    assert.equal(put?.apiVersion, '2021-05-01-preview');
    assert.deepEqual(put?.body, {
      properties: {
        workspaceId: WORKSPACE_ID,
        logs: [{ categoryGroup: 'allLogs', enabled: true }],
        metrics: [{ category: 'AllMetrics', enabled: true }],
      },
    });
    arm().calls.length = 0;
    assert.deepEqual(await operations.preserveDiagnostics('weu-001'), first);
    assert.equal(arm().calls.filter((c) => c.method === 'PUT').length, 0, 'nothing written the second time');
    await assert.rejects(operations.preserveDiagnostics('weu-404'), TerminalError);
  });

  it('runs the quarantine checks as an AKS run command and names each result', async () => {
    const { operations } = adaptersFor(arm());
    stamp.clusters.add(cluster('weu-001').toLowerCase());
    stamp.diagnosticSettings.set(
      cluster('weu-001').toLowerCase(),
      new Map([['diag', { workspaceId: WORKSPACE_ID, logs: [{ categoryGroup: 'allLogs', enabled: true }] }]]),
    );
    stamp.volumes.push({ name: 'pvc-models', reclaimPolicy: 'Retain', diskId: disk('pvc-models') });
    stamp.disks.add(disk('pvc-models').toLowerCase());
    stamp.lastLogAt.set(cluster('weu-001').toLowerCase(), '2026-06-01T11:59:00.000Z');
    stamp.commandPolls = 2;
    const run = { stampId: 'weu-001', leftRotationAt: '2026-06-01T11:30:00.000Z' };

    const { runId } = await operations.startQuarantineChecks(run);
    assert.match(runId, /^[0-9a-f]{32}$/);
    const post = arm().calls.find((c) => c.path.endsWith('/runCommand'));
    assert.deepEqual(post?.body, { command: LIST_VOLUMES, clusterToken: STATIC_TOKEN });
    assert.deepEqual(await operations.getQuarantineChecks({ ...run, runId }), { state: 'Running' });
    const done = await operations.getQuarantineChecks({ ...run, runId });
    assert.equal(done.state, 'Done');
    assert.deepEqual(
      done.state === 'Done' ? done.results?.map((r) => [r.name, r.passed]) : [],
      QUARANTINE_CHECKS.map((name) => [name, true]),
      JSON.stringify(done),
    );
    assert.equal(done.state === 'Done' && done.passed, true);
  });

  it('fails the checks that find volumes deleted with their claims, a missing disk and logs that stop early', async () => {
    const { operations } = adaptersFor(arm());
    stamp.clusters.add(cluster('weu-002').toLowerCase());
    stamp.volumes.push({ name: 'pvc-cache', reclaimPolicy: 'Delete', diskId: disk('pvc-cache') });
    stamp.volumes.push({ name: 'pvc-gone', reclaimPolicy: 'Retain', diskId: disk('pvc-gone') });
    stamp.disks.add(disk('pvc-cache').toLowerCase());
    stamp.lastLogAt.set(cluster('weu-002').toLowerCase(), '2026-06-01T11:00:00.000Z');
    stamp.commandPolls = 0;
    const run = { stampId: 'weu-002', leftRotationAt: '2026-06-01T11:50:00.000Z' };
    const { runId } = await operations.startQuarantineChecks(run);
    // The logs of 11:50 may still be arriving at 12:00:30: the verdict waits for them.
    assert.deepEqual(await operations.getQuarantineChecks({ ...run, runId }), { state: 'Running' });
    now = new Date('2026-06-01T12:06:00.000Z');
    const done = await operations.getQuarantineChecks({ ...run, runId });
    assert.equal(done.state, 'Done');
    if (done.state !== 'Done') return;
    assert.equal(done.passed, false);
    const byName = Object.fromEntries((done.results ?? []).map((r) => [r.name, r]));
    assert.equal(byName['cluster-answers']?.passed, true);
    assert.match(
      byName['persistent-volumes']?.detail ?? '',
      /pvc-cache would be deleted with its claim \(reclaim policy Delete\); disk .*pvc-gone does not exist/,
    );
    assert.match(
      byName['diagnostic-settings']?.detail ?? '',
      /no diagnostic setting of the cluster sends its logs/,
    );
    assert.match(
      byName['logs-until-isolation']?.detail ?? '',
      /the last log is from 2026-06-01T11:00:00.000Z; the stamp left rotation at 2026-06-01T11:50/,
    );
    assert.match(done.detail, /^checks failed: persistent-volumes/);
  });

  it('deletes the workloads by deleting the Flux configuration, started by one call and polled by another', async () => {
    const { operations } = adaptersFor(arm());
    const id = cluster('weu-001').toLowerCase();
    stamp.fluxConfigurations.set(id, new Map([[FLUX_CONFIGURATION, { state: 'Succeeded', getsLeft: 0 }]]));
    stamp.fluxDeletionGets = 2;
    await operations.startWorkloadDeletion('weu-001');
    const deletes = arm().calls.filter((c) => c.method === 'DELETE' && c.path.includes('fluxConfigurations'));
    assert.deepEqual(
      deletes.map((c) => [c.path, c.apiVersion]),
      [
        [
          `${cluster('weu-001')}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${FLUX_CONFIGURATION}`,
          '2023-05-01',
        ],
      ],
    );
    const states: string[] = [];
    for (let i = 0; i < 5 && states.at(-1) !== 'Done'; i += 1)
      states.push((await operations.getWorkloadDeletion('weu-001')).state);
    assert.equal(states.at(-1), 'Done');
    assert.ok(states.includes('Running'), states.join());
    await operations.startWorkloadDeletion('weu-001');
    assert.deepEqual(
      await operations.getWorkloadDeletion('weu-001'),
      { state: 'Done' },
      'a second start and read: still done',
    );
  });

  it('a configuration that is not being deleted is a TerminalError, not a wait without end', async () => {
    const { operations } = adaptersFor(arm());
    stamp.fluxConfigurations.set(
      cluster('weu-003').toLowerCase(),
      new Map([[FLUX_CONFIGURATION, { state: 'Succeeded', getsLeft: 0 }]]),
    );
    await assert.rejects(operations.getWorkloadDeletion('weu-003'), /is Succeeded, not being deleted/);
  });
});
