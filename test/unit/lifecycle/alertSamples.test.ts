import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { type AlertClassification, classifyAlert } from '../../../shared/lifecycle';
import { repoRoot } from '../../infra/support';

/**
 * Microsoft's published common-alert-schema samples of every kind (test/fixtures/alerts, with
 * their sources in corpus.json), classified three ways: as published (they name none of our
 * stamps), aimed at a stamp through its resource group (the stamp is found, the kind decides), and
 * declared a health-probe signal (every kind can carry one). None is ever rejected.
 */

const DIR = join(repoRoot, 'test', 'fixtures', 'alerts');
const RECEIVED = '2026-06-01T12:00:00.000Z';

interface Sample {
  readonly file: string;
  readonly kind: string;
  readonly monitorCondition: 'Fired' | 'Resolved';
  readonly section: string;
}
const corpus = JSON.parse(readFileSync(join(DIR, 'corpus.json'), 'utf8')) as { samples: Sample[] };

type Payload = {
  data: { essentials: Record<string, unknown>; alertContext?: unknown; customProperties?: unknown };
};
function load(file: string): Payload {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Payload;
}

/** Puts every target resource into the stamp's resource group, as the stamp template names it. */
function inStampGroup(payload: Payload, stampId: string): Payload {
  const copy = structuredClone(payload);
  const targets = copy.data.essentials.alertTargetIDs;
  if (Array.isArray(targets)) {
    copy.data.essentials.alertTargetIDs = (targets as unknown[]).map((t) =>
      typeof t === 'string'
        ? t.replace(/\/resourcegroups\/[^/]+/i, `/resourceGroups/rg-synaxis-stamp-${stampId}`)
        : t,
    );
  }
  return copy;
}

function declaredHealth(payload: Payload, stampId: string): Payload {
  const copy = structuredClone(payload);
  copy.data.customProperties = { stampId, signal: 'health-probe' };
  return copy;
}

type Expected = 'signal' | RegExp;
function expectOutcome(result: AlertClassification, expected: Expected, stampId?: string): void {
  assert.notEqual(result.kind, 'invalid', JSON.stringify(result));
  if (expected === 'signal') {
    assert.equal(result.kind, 'signal', JSON.stringify(result));
    if (result.kind === 'signal' && stampId !== undefined) assert.equal(result.signal.stampId, stampId);
    return;
  }
  assert.equal(result.kind, 'unmatched', JSON.stringify(result));
  if (result.kind === 'unmatched') assert.match(result.reason, expected);
}

/** What each sample is once aimed at weu-001 by its resource group: the kind decides. */
const IN_STAMP_GROUP: Readonly<Record<string, RegExp>> = {
  'metric-static.fired.json': /on weu-001 is neither .*metric 'Transactions'/,
  'metric-static.resolved.json': /on weu-001 is neither .*metric 'Percentage CPU'/,
  'metric-dynamic.fired.json': /on weu-001 is neither .*metric 'Transactions'/,
  'metric-dynamic.resolved.json': /on weu-001 is neither .*metric 'Egress'/,
  'metric-availability.fired.json': /on weu-001 is neither .*metric 'FailedLocation'/,
  'metric-availability.resolved.json': /on weu-001 is neither .*metric 'Failed Location'/,
  'log-v1-log-analytics.fired.json': /on weu-001 is neither .*Log Analytics/,
  'log-v1-application-insights.fired.json': /on weu-001 is neither .*Application Insights/,
  'log-v1-metric-measurement.fired.json': /on weu-001 is neither .*Log Analytics/,
  'log-v1-number-of-results.fired.json': /on weu-001 is neither .*Log Analytics/,
  'log-v2.fired.json': /on weu-001 is neither .*Log Alerts V2/,
  'log-v2.resolved.json': /on weu-001 is neither .*Log Alerts V2/,
  'activity-administrative.fired.json': /on weu-001 is neither .*Activity Log - Administrative/,
  'activity-policy.fired.json': /on weu-001 is neither .*Activity Log - Policy/,
  'activity-autoscale.fired.json': /on weu-001 is neither .*Activity Log - Autoscale/,
  'activity-security.fired.json': /on weu-001 is neither .*Activity Log - Security/,
  // Subscription-wide: no resource group to aim at.
  'service-health.fired.json': /names no stamp/,
  'service-health-maintenance.fired.json': /on weu-001 is neither .*ServiceHealth/,
  'resource-health.fired.json': /on weu-001 is neither .*Resource Health/,
  'resource-health-downtime.fired.json': /on weu-001 is neither .*Resource Health/,
  'smart-detection.fired.json': /on weu-001 is neither .*SmartDetector/,
  'prometheus.fired.json': /on weu-001 is neither .*Prometheus/,
  'prometheus.resolved.json': /on weu-001 is neither .*Prometheus/,
  // Budgets target no resource (alertTargetIDs is null).
  'budget.fired.json': /names no stamp/,
  'cost-budget.fired.json': /names no stamp/,
  'forecasted-budget.fired.json': /names no stamp/,
};

describe('alert samples: every published Azure Monitor alert kind is read, none rejected', () => {
  it('the corpus lists every file, and every file is listed', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'corpus.json');
    assert.deepEqual([...files].sort(), corpus.samples.map((s) => s.file).sort());
    assert.deepEqual(Object.keys(IN_STAMP_GROUP).sort(), [...files].sort());
  });

  for (const sample of corpus.samples) {
    describe(`${sample.kind}, ${sample.monitorCondition} (${sample.file})`, () => {
      const payload = load(sample.file);

      it('as published: names none of our stamps, so it is unmatched with the reason', () => {
        expectOutcome(classifyAlert(payload, RECEIVED), /names no stamp/);
      });

      it('aimed at a stamp by its resource group: the kind decides', () => {
        const expected = IN_STAMP_GROUP[sample.file];
        assert.ok(expected !== undefined, `no expectation for ${sample.file}`);
        expectOutcome(classifyAlert(inStampGroup(payload, 'weu-001'), RECEIVED), expected);
      });

      it('declared a health-probe signal: a failure when Fired, a recovery when Resolved', () => {
        const result = classifyAlert(declaredHealth(payload, 'weu-001'), RECEIVED);
        expectOutcome(result, 'signal', 'weu-001');
        if (result.kind !== 'signal') return;
        const fired = sample.monitorCondition === 'Fired';
        assert.equal(result.signal.type, fired ? 'HealthProbeFailed' : 'HealthProbeRecovered');
        const own = payload.data.essentials[fired ? 'firedDateTime' : 'resolvedDateTime'];
        const expectedTime = typeof own === 'string' ? new Date(own).toISOString() : RECEIVED;
        assert.equal(result.signal.observedAt, expectedTime);
      });
    });
  }
});

describe('alert samples: where each kind carries the stamp of its own accord', () => {
  it('a Front Door origin-health metric alert names the stamp by its Origin dimension', () => {
    for (const [file, type] of [
      ['metric-static.fired.json', 'HealthProbeFailed'],
      ['metric-static.resolved.json', 'HealthProbeRecovered'],
    ] as const) {
      const payload = load(file);
      const context = payload.data.alertContext as { condition: { allOf: Record<string, unknown>[] } };
      context.condition.allOf = [
        {
          ...context.condition.allOf[0],
          metricName: 'OriginHealthPercentage',
          operator: 'LessThan',
          dimensions: [{ name: 'Origin', value: 'sea-002' }],
        },
      ];
      const result = classifyAlert(payload, RECEIVED);
      expectOutcome(result, 'signal', 'sea-002');
      if (result.kind === 'signal') assert.equal(result.signal.type, type);
    }
  });

  it("a log search v2 alert carries it in the rule's custom properties (alertContext.properties)", () => {
    const payload = load('log-v2.resolved.json');
    (payload.data.alertContext as { properties: unknown }).properties = {
      stampId: 'eus-003',
      signal: 'health-probe',
    };
    const result = classifyAlert(payload, RECEIVED);
    expectOutcome(result, 'signal', 'eus-003');
    if (result.kind === 'signal') assert.equal(result.signal.type, 'HealthProbeRecovered');
  });

  it('a Prometheus alert names the stamp by its cluster label, and declares the signal in a label', () => {
    const payload = load('prometheus.fired.json');
    const context = payload.data.alertContext as { labels: Record<string, string> };
    context.labels = { ...context.labels, cluster: 'aks-synaxis-weu-004' };
    expectOutcome(classifyAlert(payload, RECEIVED), /on weu-004 is neither/);
    context.labels.signal = 'capacity-high';
    const result = classifyAlert(payload, RECEIVED);
    expectOutcome(result, 'signal', 'weu-004');
    if (result.kind === 'signal') assert.equal(result.signal.type, 'CapacityHigh');
  });

  it('an AKS node-CPU capacity alert names the stamp by its cluster (a configuration item)', () => {
    const payload = load('metric-static.fired.json');
    payload.data.essentials.configurationItems = ['aks-synaxis-weu-002'];
    const context = payload.data.alertContext as { condition: { allOf: Record<string, unknown>[] } };
    context.condition.allOf = [
      { metricName: 'node_cpu_usage_percentage', operator: 'LessThan', metricValue: 9 },
    ];
    const result = classifyAlert(payload, RECEIVED);
    expectOutcome(result, 'signal', 'weu-002');
    if (result.kind === 'signal') assert.equal(result.signal.type, 'CapacityLow');
  });
});

describe('alert samples: null, absent and newer shapes read as absent', () => {
  const fired = (): Payload => declaredHealth(load('metric-static.fired.json'), 'weu-001');
  const cases: { name: string; change: (p: Payload) => void }[] = [
    {
      name: 'resolvedDateTime null on a Fired alert',
      change: (p) => void (p.data.essentials.resolvedDateTime = null),
    },
    {
      name: 'alertRule, severity and signalType null',
      change: (p) => {
        p.data.essentials.alertRule = null;
        p.data.essentials.severity = null;
        p.data.essentials.signalType = null;
      },
    },
    {
      name: 'alertTargetIDs and configurationItems null',
      change: (p) => {
        p.data.essentials.alertTargetIDs = null;
        p.data.essentials.configurationItems = null;
      },
    },
    { name: 'alertContext null', change: (p) => void (p.data.alertContext = null) },
    { name: 'alertContext a string (a newer shape)', change: (p) => void (p.data.alertContext = 'v3') },
    {
      name: 'condition.allOf an object',
      change: (p) => void ((p.data.alertContext as { condition: unknown }).condition = { allOf: {} }),
    },
    {
      name: 'a dimension value that is a number',
      change: (p) => {
        (
          p.data.alertContext as { condition: { allOf: { dimensions: unknown }[] } }
        ).condition.allOf[0]!.dimensions = [{ name: 'Origin', value: 7 }];
      },
    },
    {
      name: 'metricValue a string',
      change: (p) => {
        (
          p.data.alertContext as { condition: { allOf: { metricValue: unknown }[] } }
        ).condition.allOf[0]!.metricValue = '12.5';
      },
    },
    {
      name: 'a custom property that is not a string',
      change: (p) => {
        p.data.customProperties = {
          stampId: 'weu-001',
          signal: 'health-probe',
          extra: { nested: true },
          n: null,
        };
      },
    },
    { name: 'no schemaId at all', change: (p) => void delete (p as { schemaId?: unknown }).schemaId },
    {
      name: 'unknown fields everywhere',
      change: (p) => {
        p.data.essentials.investigationLink = 'https://portal.azure.com/';
        (p.data as Record<string, unknown>).futureSection = { anything: [1, 2, 3] };
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const payload = fired();
      c.change(payload);
      expectOutcome(classifyAlert(payload, RECEIVED), 'signal', 'weu-001');
    });
  }

  it('an alert rule name longer than a signal may carry is cut, not rejected', () => {
    const payload = fired();
    payload.data.essentials.alertRule = 'r'.repeat(5000);
    const result = classifyAlert(payload, RECEIVED);
    expectOutcome(result, 'signal', 'weu-001');
    if (result.kind === 'signal') assert.ok(result.signal.alertRule.length <= 256);
  });
});
