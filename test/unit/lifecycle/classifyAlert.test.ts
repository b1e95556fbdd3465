import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AlertClassification, classifyAlert } from '../../../shared/lifecycle';

const RECEIVED = '2026-01-01T10:07:00.000Z';

interface AlertShape {
  monitorCondition?: 'Fired' | 'Resolved';
  alertRule?: string;
  metricName?: string;
  operator?: string;
  dimensions?: { name: string; value: string }[];
  customProperties?: Record<string, string> | null;
  alertTargetIDs?: string[];
  configurationItems?: string[];
  resolvedDateTime?: string;
}

/** A common-alert-schema payload shaped like the documented example. */
function alert(shape: AlertShape = {}): unknown {
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/1111',
        alertRule: shape.alertRule ?? 'origin-health',
        severity: 'Sev1',
        signalType: 'Metric',
        monitorCondition: shape.monitorCondition ?? 'Fired',
        monitoringService: 'Platform',
        alertTargetIDs: shape.alertTargetIDs ?? [
          '/subscriptions/s/resourcegroups/rg-global/providers/microsoft.cdn/profiles/synaxis-fd',
        ],
        configurationItems: shape.configurationItems ?? ['synaxis-fd'],
        firedDateTime: '2026-01-01T10:00:00Z',
        ...(shape.resolvedDateTime === undefined ? {} : { resolvedDateTime: shape.resolvedDateTime }),
        essentialsVersion: '1.0',
      },
      alertContext: {
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: shape.metricName ?? 'OriginHealthPercentage',
              operator: shape.operator ?? 'LessThan',
              metricValue: 12.5,
              dimensions: shape.dimensions ?? [{ name: 'Origin', value: 'weu-002' }],
            },
          ],
        },
      },
      customProperties: shape.customProperties === undefined ? null : shape.customProperties,
    },
  };
}

function signalOf(result: AlertClassification) {
  if (result.kind !== 'signal') throw new Error(`expected a signal, got ${JSON.stringify(result)}`);
  return result.signal;
}

describe('classifyAlert', () => {
  it('a resolved capacity alert is CapacityResolved, at its resolved time (it ends the episode)', () => {
    const result = classifyAlert(
      alert({
        monitorCondition: 'Resolved',
        metricName: 'node_cpu_usage_percentage',
        customProperties: { stampId: 'weu-001' },
      }),
      RECEIVED,
    );
    const signal = signalOf(result);
    assert.equal(signal.type, 'CapacityResolved');
    assert.equal(signal.stampId, 'weu-001');
    assert.match(signal.eventId, /:Resolved$/);
  });

  it('a fired Front Door origin-health alert is a health-probe failure of the origin stamp', () => {
    assert.deepEqual(signalOf(classifyAlert(alert(), RECEIVED)), {
      type: 'HealthProbeFailed',
      stampId: 'weu-002',
      eventId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/1111:Fired',
      alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/1111',
      alertRule: 'origin-health',
      observedAt: '2026-01-01T10:00:00.000Z',
      severity: 'Sev1',
      metricName: 'OriginHealthPercentage',
      metricValue: 12.5,
    });
  });

  it('its Resolved notification is a recovery at the resolved time, with its own event id', () => {
    const signal = signalOf(
      classifyAlert(
        alert({ monitorCondition: 'Resolved', resolvedDateTime: '2026-01-01T10:05:00Z' }),
        RECEIVED,
      ),
    );
    assert.equal(signal.type, 'HealthProbeRecovered');
    assert.equal(signal.observedAt, '2026-01-01T10:05:00.000Z');
    assert.match(signal.eventId, /:Resolved$/);
  });

  it('a Resolved notification without a resolved time uses the receipt time', () => {
    assert.equal(
      signalOf(classifyAlert(alert({ monitorCondition: 'Resolved' }), RECEIVED)).observedAt,
      RECEIVED,
    );
  });

  const stampLookups: { name: string; shape: AlertShape; stampId: string }[] = [
    {
      name: 'customProperties.stampId wins over the dimension',
      shape: { customProperties: { stampId: 'EUS-003' } },
      stampId: 'eus-003',
    },
    { name: 'the Origin dimension', shape: {}, stampId: 'weu-002' },
    {
      name: 'a target resource in the stamp resource group',
      shape: {
        dimensions: [],
        alertTargetIDs: [
          '/subscriptions/s/resourceGroups/rg-synaxis-stamp-sea-004/providers/microsoft.containerservice/managedclusters/aks1',
        ],
        customProperties: { signal: 'health-probe' },
      },
      stampId: 'sea-004',
    },
    {
      name: 'a configuration item in the stamp resource group (log alerts)',
      shape: {
        dimensions: [],
        configurationItems: ['/subscriptions/s/resourcegroups/rg-synaxis-stamp-weu-010/providers/x/y/z'],
        customProperties: { signal: 'health-probe' },
      },
      stampId: 'weu-010',
    },
  ];
  for (const c of stampLookups) {
    it(`finds the stamp by ${c.name}`, () => {
      assert.equal(signalOf(classifyAlert(alert(c.shape), RECEIVED)).stampId, c.stampId);
    });
  }

  const kinds: { name: string; shape: AlertShape; type: string }[] = [
    {
      name: 'AKS CPU above a threshold is capacity high',
      shape: {
        metricName: 'node_cpu_usage_percentage',
        operator: 'GreaterThan',
        dimensions: [],
        customProperties: { stampId: 'weu-001' },
      },
      type: 'CapacityHigh',
    },
    {
      name: 'AKS CPU below a threshold is capacity low',
      shape: {
        metricName: 'node_cpu_usage_percentage',
        operator: 'LessThan',
        dimensions: [],
        customProperties: { stampId: 'weu-001' },
      },
      type: 'CapacityLow',
    },
    {
      name: 'a declared capacity-high signal',
      shape: { metricName: 'requests', customProperties: { stampId: 'weu-001', signal: 'capacity-high' } },
      type: 'CapacityHigh',
    },
    {
      name: 'a declared capacity-low signal',
      shape: { metricName: 'requests', customProperties: { stampId: 'weu-001', signal: 'capacity-low' } },
      type: 'CapacityLow',
    },
    {
      name: 'a declared health-probe signal on any metric',
      shape: { metricName: 'http_5xx', customProperties: { stampId: 'weu-001', signal: 'health-probe' } },
      type: 'HealthProbeFailed',
    },
  ];
  for (const c of kinds) {
    it(`${c.name}`, () => {
      assert.equal(signalOf(classifyAlert(alert(c.shape), RECEIVED)).type, c.type);
    });
  }

  const unmatched: { name: string; shape: AlertShape; reason: RegExp }[] = [
    {
      name: 'an alert naming no stamp',
      shape: { dimensions: [{ name: 'Origin', value: 'legacy-backend' }] },
      reason: /names no stamp/,
    },
    { name: 'an unrelated metric', shape: { metricName: 'certificate_expiry_days' }, reason: /neither/ },
  ];
  for (const c of unmatched) {
    it(`leaves unmatched: ${c.name}`, () => {
      const result = classifyAlert(alert(c.shape), RECEIVED);
      assert.equal(result.kind, 'unmatched');
      if (result.kind === 'unmatched') assert.match(result.reason, c.reason);
    });
  }

  const invalid: { name: string; payload: unknown; reason: RegExp }[] = [
    { name: 'not an object', payload: 'hello', reason: /\(body\)/ },
    {
      name: 'another schema',
      payload: { schemaId: 'AzureMonitorMetricAlert', data: {} },
      reason: /schemaId: names another schema; turn on the common alert schema/,
    },
    {
      name: 'an unknown monitor condition',
      payload: JSON.parse(JSON.stringify(alert()).replace('"Fired"', '"Maybe"')) as unknown,
      reason: /data\.essentials\.monitorCondition/,
    },
    {
      name: 'a fired time that is not a date',
      payload: JSON.parse(JSON.stringify(alert()).replace('2026-01-01T10:00:00Z', 'yesterday')) as unknown,
      reason: /firedDateTime/,
    },
  ];
  for (const c of invalid) {
    it(`rejects as invalid: ${c.name}`, () => {
      const result = classifyAlert(c.payload, RECEIVED);
      assert.equal(result.kind, 'invalid');
      if (result.kind === 'invalid') assert.match(result.reason, c.reason);
    });
  }
});
