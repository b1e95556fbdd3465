import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ARM_SCOPE, createAzureAdapters } from '../../../shared/azure';
import type { StampMetrics } from '../../../shared/ports/stampMetrics';
import type { ArmStandIn } from './support/armStandIn';
import { armStandInSuite } from './support/armSuite';
import { azureConfig, StaticTokenCredential, SUBSCRIPTION_ID } from './support/fixtures';
import { addStampStandIn, type StampStandIn } from './support/stampStandIn';

/**
 * The seed's metrics on Azure (createAzureStampMetrics) through the real ARM client pipeline
 * against the stand-in's Azure Monitor metrics API, which refuses a metric or an aggregation
 * the resource type does not have.
 */
const clock = { now: () => new Date('2026-06-01T12:10:00.000Z'), sleepUntil: () => Promise.resolve() };

function metricsOf(arm: ArmStandIn): StampMetrics {
  return createAzureAdapters(azureConfig(), {
    credential: new StaticTokenCredential(),
    arm: { endpoint: arm.endpoint, credentialScopes: [ARM_SCOPE], agent: arm.agent },
    clock,
  }).stampMetrics;
}

const group = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-stamp-weu-001/providers`;
const OUTPUTS = {
  originHostName: 'weu-001.example.net',
  aksClusterResourceId: `${group}/Microsoft.ContainerService/managedClusters/aks-weu-001`,
  serviceBusNamespaceResourceId: `${group}/Microsoft.ServiceBus/namespaces/sb-weu-001`,
  cosmosAccountResourceId: `${group}/Microsoft.DocumentDB/databaseAccounts/cosmos-weu-001`,
};
const minute = (m: number) => `2026-06-01T12:0${m}:00.000Z`;

describe('contract: the seed metrics from Azure Monitor against the stand-in', () => {
  let stamp: StampStandIn;
  const arm = armStandInSuite((a) => {
    a.extraRoutes.length = 0;
    stamp = addStampStandIn(a);
  });

  it("reads a stamp's Front Door figures and its cluster, queue and database by the deployment's resource ids", async () => {
    stamp.originRequests.set(
      OUTPUTS.originHostName,
      new Map([
        [minute(0), 100],
        [minute(1), 50],
      ]),
    );
    stamp.originErrors.set(OUTPUTS.originHostName, new Map([[minute(0), 10]]));
    stamp.originLatency.set(
      OUTPUTS.originHostName,
      new Map([
        [minute(0), 120],
        [minute(1), 90],
      ]),
    );
    const key = (id: string, metric: string) => `${id.toLowerCase()}|${metric}`;
    stamp.resourceMetrics.set(
      key(OUTPUTS.aksClusterResourceId, 'node_cpu_usage_percentage'),
      new Map([
        [minute(0), 55],
        [minute(1), 61],
      ]),
    );
    stamp.resourceMetrics.set(
      key(OUTPUTS.serviceBusNamespaceResourceId, 'ActiveMessages'),
      new Map([[minute(1), 42]]),
    );
    stamp.resourceMetrics.set(
      key(OUTPUTS.cosmosAccountResourceId, 'TotalRequestUnits'),
      new Map([[minute(0), 600]]),
    );

    const answer = await metricsOf(arm()).seriesOf({
      stamps: [{ stampId: 'weu-001', outputs: OUTPUTS }, { stampId: 'weu-002' }],
      from: minute(0),
      intervalMinutes: 1,
      points: 3,
    });
    const weu = answer.byStamp['weu-001'];
    assert.deepEqual(weu?.requestsPerMinute, [100, 50, 0]);
    assert.deepEqual(weu?.errorPercent, [10, 0, null]);
    assert.deepEqual(weu?.latencyMs, [120, 90, null]);
    assert.deepEqual(weu?.nodePoolUtilization, [55, 61, null]);
    assert.deepEqual(weu?.queueDepth, [null, 42, null]);
    assert.deepEqual(weu?.requestUnits, [10, null, null], '600 RU in a minute is 10 RU/s');
    assert.deepEqual(answer.byStamp['weu-002']?.requestsPerMinute, [0, 0, 0], 'Front Door only: no outputs');
    assert.equal(answer.byStamp['weu-002']?.nodePoolUtilization, undefined);

    const reads = arm().calls.filter((c) => c.path.endsWith('/providers/Microsoft.Insights/metrics'));
    assert.ok(reads.every((c) => c.apiVersion === '2023-10-01'));
    // Each metric was accepted as asked: none of the reads was refused (else its series is missing).
    assert.equal(reads.length, 5);
  });
});
