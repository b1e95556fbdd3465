import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { MetricAlertPayload, SimulatedAzure } from '../../shared/local/sim';
import { classify, harness, MINUTE, SECOND, signalOf, sinceT0 } from './support';

const PROFILE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-synaxis-global-local/providers/Microsoft.Cdn/profiles/afd-synaxis-local';

function summary(payload: MetricAlertPayload): string {
  const { essentials } = payload.data;
  const at = essentials.resolvedDateTime ?? essentials.firedDateTime;
  return `${essentials.monitorCondition} ${essentials.alertRule} @${sinceT0(at)} → ${signalOf(payload)}`;
}

/** Seeds active stamps, each in the region its id's code names. */
function seedActive(sim: SimulatedAzure, ...ids: string[]): void {
  const regions: Record<string, string> = { weu: 'westeurope', eus: 'eastus', sea: 'southeastasia' };
  for (const stampId of ids) sim.seedActiveStamp({ stampId, region: regions[stampId.slice(0, 3)] ?? '' });
}

describe('simulated metric alerts (common alert schema)', () => {
  it('fires exactly one OriginHealthPercentage alert for a failing stamp, and one Resolved with the same alertId', async () => {
    const { clock, sim, alerts } = harness();
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    sim.failStamp('weu-001');
    await clock.advance(90 * SECOND); // Unhealthy at 01:30; the 01:00 evaluation saw it Healthy
    assert.equal(alerts.length, 0);
    await clock.advance(30 * SECOND); // evaluation at 02:00
    assert.deepEqual(alerts.map(summary), [
      'Fired frontdoor-origin-health @02:00 → HealthProbeFailed weu-001',
    ]);
    await clock.advance(10 * MINUTE);
    assert.equal(alerts.length, 1, 'no repeat while it stays Unhealthy');

    const fired = alerts[0];
    assert.ok(fired);
    assert.deepEqual(fired.data.essentials, {
      alertId: fired.data.essentials.alertId,
      alertRule: 'frontdoor-origin-health',
      severity: 'Sev1',
      signalType: 'Metric',
      monitorCondition: 'Fired',
      monitoringService: 'Platform',
      alertTargetIDs: [PROFILE_ID],
      configurationItems: ['afd-synaxis-local'],
      originAlertId: fired.data.essentials.alertId.split('/').at(-1),
      firedDateTime: '2025-01-01T00:02:00.000Z',
      description: 'A stamp origin fails its Front Door health probes.',
      essentialsVersion: '1.0',
      alertContextVersion: '1.0',
    });
    assert.match(
      fired.data.essentials.alertId,
      /^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/providers\/Microsoft\.AlertsManagement\/alerts\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.deepEqual(fired.data.alertContext.condition.allOf, [
      {
        metricName: 'OriginHealthPercentage',
        metricNamespace: 'Microsoft.Cdn/profiles',
        operator: 'LessThan',
        threshold: '50',
        timeAggregation: 'Average',
        dimensions: [
          { name: 'Origin', value: 'weu-001' },
          { name: 'OriginGroup', value: 'stamps' },
        ],
        metricValue: 0,
        webTestName: null,
      },
    ]);
    assert.equal(fired.data.customProperties, null);
    assert.deepEqual(sim.state().activeAlerts, [
      {
        alertId: fired.data.essentials.alertId,
        alertRule: 'frontdoor-origin-health',
        metricName: 'OriginHealthPercentage',
        stampId: 'weu-001',
        firedDateTime: '2025-01-01T00:02:00.000Z',
      },
    ]);

    sim.recoverStamp('weu-001'); // at 12:00: Healthy at 13:30, resolved at the 14:00 evaluation
    await clock.advance(3 * MINUTE);
    assert.deepEqual(alerts.slice(1).map(summary), [
      'Resolved frontdoor-origin-health @14:00 → HealthProbeRecovered weu-001',
    ]);
    const resolved = alerts[1];
    assert.equal(resolved?.data.essentials.alertId, fired.data.essentials.alertId);
    assert.equal(resolved?.data.essentials.firedDateTime, '2025-01-01T00:02:00.000Z');
    assert.equal(resolved?.data.alertContext.condition.allOf[0]?.metricValue, 100);
    assert.deepEqual(sim.state().activeAlerts, []);

    // A second outage is a new alert: a receiver de-duplicating on (alertId, condition) must not drop it.
    sim.failStamp('weu-001');
    await clock.advance(3 * MINUTE);
    assert.equal(alerts.length, 3);
    assert.equal(signalOf(alerts[2] as MetricAlertPayload), 'HealthProbeFailed weu-001');
    assert.notEqual(alerts[2]?.data.essentials.alertId, fired.data.essentials.alertId);
    await sim.stop();
  });

  it('fires one health alert per origin of a failed region, none elsewhere', async () => {
    const { clock, sim, alerts } = harness();
    seedActive(sim, 'weu-001', 'weu-002', 'eus-001');
    sim.failRegion('westeurope');
    await clock.advance(5 * MINUTE);
    assert.deepEqual(alerts.map(summary), [
      'Fired frontdoor-origin-health @02:00 → HealthProbeFailed weu-001',
      'Fired frontdoor-origin-health @02:00 → HealthProbeFailed weu-002',
    ]);
    await sim.stop();
  });

  it('does not alert on a new origin warming up (it was never Healthy), nor on a removed one', async () => {
    const { clock, sim, alerts } = harness();
    await sim.upsertOrigin({
      stampId: 'eus-001',
      hostName: 'eus-001.stamps.synaxis.example',
      priority: 1,
      weight: 1000,
      enabled: true,
    });
    await clock.advance(10 * MINUTE); // no deployment: Unhealthy all along
    assert.equal(sim.state().origins[0]?.health, 'Unhealthy');
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    sim.failStamp('weu-001');
    await clock.advance(2 * MINUTE);
    assert.equal(alerts.length, 1);
    await sim.removeOrigin('weu-001');
    sim.recoverStamp('weu-001');
    await clock.advance(5 * MINUTE);
    assert.deepEqual(alerts.map(summary), [
      'Fired frontdoor-origin-health @12:00 → HealthProbeFailed weu-001',
    ]);
    assert.deepEqual(sim.state().activeAlerts, []);
    await sim.stop();
  });

  it('load 90 fires one CapacityHigh per stamp in rotation in that region; 10 resolves it and fires CapacityLow', async () => {
    const { clock, sim, alerts } = harness();
    seedActive(sim, 'weu-001', 'weu-002', 'weu-003', 'eus-001');
    await sim.setOriginEnabled('weu-003', false); // draining: out of rotation, no capacity signal
    await clock.advance(2 * MINUTE);
    assert.equal(alerts.length, 0, 'load 50 is between both thresholds');

    sim.setLoad('westeurope', 90);
    await clock.advance(MINUTE);
    assert.deepEqual(alerts.map(summary), [
      'Fired capacity-high-aks-synaxis-weu-001 @03:00 → CapacityHigh weu-001',
      'Fired capacity-high-aks-synaxis-weu-002 @03:00 → CapacityHigh weu-002',
    ]);
    const high = alerts[0];
    assert.ok(high);
    assert.deepEqual(high.data.essentials.alertTargetIDs, [
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-synaxis-stamp-weu-001/providers/Microsoft.ContainerService/managedClusters/aks-synaxis-weu-001',
    ]);
    assert.equal(high.data.essentials.severity, 'Sev2');
    const [criterion] = high.data.alertContext.condition.allOf;
    assert.deepEqual(
      { ...criterion },
      {
        metricName: 'node_cpu_usage_percentage',
        metricNamespace: 'Microsoft.ContainerService/managedClusters',
        operator: 'GreaterThan',
        threshold: '80',
        timeAggregation: 'Average',
        dimensions: [{ name: 'nodepool', value: 'user' }],
        metricValue: 90,
        webTestName: null,
      },
    );
    const classified = classify(high);
    assert.equal(classified.kind === 'signal' ? classified.signal.metricValue : undefined, 90);

    await clock.advance(5 * MINUTE);
    assert.equal(alerts.length, 2, 'no repeat while the load stays high');

    sim.setLoad('westeurope', 10);
    await clock.advance(MINUTE);
    assert.deepEqual(alerts.slice(2).map(summary), [
      'Resolved capacity-high-aks-synaxis-weu-001 @09:00 → CapacityResolved weu-001',
      'Fired capacity-low-aks-synaxis-weu-001 @09:00 → CapacityLow weu-001',
      'Resolved capacity-high-aks-synaxis-weu-002 @09:00 → CapacityResolved weu-002',
      'Fired capacity-low-aks-synaxis-weu-002 @09:00 → CapacityLow weu-002',
    ]);
    assert.equal(alerts[2]?.data.essentials.alertId, alerts[0]?.data.essentials.alertId);
    assert.equal(alerts[3]?.data.alertContext.condition.allOf[0]?.operator, 'LessThan');
    await sim.stop();
  });

  it('classifies every alert of a busy hour to its intended signal (a capacity alert resolving ends its episode)', async () => {
    const { clock, sim, alerts } = harness();
    for (const [stampId, region] of [
      ['weu-001', 'westeurope'],
      ['weu-002', 'westeurope'],
      ['eus-001', 'eastus'],
      ['sea-001', 'southeastasia'],
    ] as const) {
      sim.seedActiveStamp({ stampId, region });
    }
    sim.failStamp('weu-001');
    sim.setLoad('eastus', 95);
    await clock.advance(10 * MINUTE);
    sim.failRegion('southeastasia');
    sim.setLoad('westeurope', 5);
    sim.recoverStamp('weu-001');
    await clock.advance(10 * MINUTE);
    sim.recoverRegion('southeastasia');
    sim.setLoad('eastus', 50);
    sim.setLoad('westeurope', 50);
    await clock.advance(10 * MINUTE);

    const expected = new Map([
      ['frontdoor-origin-health Fired', 'HealthProbeFailed'],
      ['frontdoor-origin-health Resolved', 'HealthProbeRecovered'],
      ['node_cpu_usage_percentage GreaterThan Fired', 'CapacityHigh'],
      ['node_cpu_usage_percentage LessThan Fired', 'CapacityLow'],
      ['node_cpu_usage_percentage GreaterThan Resolved', 'CapacityResolved'],
      ['node_cpu_usage_percentage LessThan Resolved', 'CapacityResolved'],
    ]);
    assert.equal(alerts.length, 10);
    for (const payload of alerts) {
      const { essentials } = payload.data;
      const criterion = payload.data.alertContext.condition.allOf[0];
      const key =
        criterion?.metricName === 'OriginHealthPercentage'
          ? `${essentials.alertRule} ${essentials.monitorCondition}`
          : `${criterion?.metricName} ${criterion?.operator} ${essentials.monitorCondition}`;
      const classification = classify(payload);
      const intended = expected.get(key);
      assert.ok(intended !== undefined, key);
      assert.equal(classification.kind, 'signal', key);
      assert.ok(classification.kind === 'signal');
      assert.equal(classification.signal.type, intended);
      assert.equal(classification.signal.eventId, `${essentials.alertId}:${essentials.monitorCondition}`);
      assert.equal(classification.signal.observedAt, essentials.resolvedDateTime ?? essentials.firedDateTime);
      const dimensionStamp = criterion?.dimensions.find((d) => d.name === 'Origin')?.value;
      assert.equal(
        classification.signal.stampId,
        dimensionStamp ?? /stamp-([a-z]+-\d+)/.exec(essentials.alertTargetIDs[0] ?? '')?.[1],
      );
    }
    assert.deepEqual(alerts.map((payload) => signalOf(payload)).sort(), [
      'CapacityHigh eus-001',
      'CapacityLow weu-001',
      'CapacityLow weu-002',
      'CapacityResolved eus-001',
      'CapacityResolved weu-001',
      'CapacityResolved weu-002',
      'HealthProbeFailed sea-001',
      'HealthProbeFailed weu-001',
      'HealthProbeRecovered sea-001',
      'HealthProbeRecovered weu-001',
    ]);
    await sim.stop();
  });
});
