import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type MetricSeries, regionSeries } from '../../shared/app/metricsView';
import type { MetricsQueryClient, MetricsResponse } from '../../shared/azure/operations/inFlightRequests';
import { createAzureStampMetrics } from '../../shared/azure/operations/stampMetrics';
import { StampMetricsHistory, stampMinute } from '../../shared/local/sim/stampMetricsModel';

function series(values: Partial<Record<keyof MetricSeries, (number | null)[]>>, points = 2): MetricSeries {
  const none = Array.from({ length: points }, () => null);
  return {
    latencyMs: values.latencyMs ?? none,
    errorPercent: values.errorPercent ?? none,
    requestsPerMinute: values.requestsPerMinute ?? none,
    nodePoolUtilization: values.nodePoolUtilization ?? none,
    queueDepth: values.queueDepth ?? none,
    requestUnits: values.requestUnits ?? none,
  };
}

describe('a region from its stamps (regionSeries)', () => {
  const cases: {
    name: string;
    stamps: MetricSeries[];
    expect: Partial<Record<keyof MetricSeries, (number | null)[]>>;
  }[] = [
    {
      name: 'latency and errors weighted by requests, a stamp serving nothing left out',
      stamps: [
        series({ latencyMs: [100, 100], errorPercent: [1, 1], requestsPerMinute: [300, 100] }),
        series({ latencyMs: [400, 400], errorPercent: [60, 60], requestsPerMinute: [100, 0] }),
      ],
      expect: { latencyMs: [175, 100], errorPercent: [15.75, 1], requestsPerMinute: [400, 100] },
    },
    {
      name: 'utilization the mean of the clusters that reported; queue depth and RU summed',
      stamps: [
        series({ nodePoolUtilization: [40, null], queueDepth: [10, null], requestUnits: [5, null] }),
        series({ nodePoolUtilization: [60, 80], queueDepth: [30, 7], requestUnits: [15, 2.5] }),
      ],
      expect: { nodePoolUtilization: [50, 80], queueDepth: [40, 7], requestUnits: [20, 2.5] },
    },
    {
      name: 'a point nobody reported stays null; no stamps, all null',
      stamps: [],
      expect: { latencyMs: [null, null], requestsPerMinute: [null, null], nodePoolUtilization: [null, null] },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const region = regionSeries(c.stamps, 2);
      for (const [name, expected] of Object.entries(c.expect))
        assert.deepEqual(region[name as keyof MetricSeries], expected, name);
    });
});

describe("the simulation's metric store", () => {
  it('answers each interval with the mean of its minutes, null where none was recorded', () => {
    const history = new StampMetricsHistory();
    const t0 = Date.parse('2026-01-01T10:00:00.000Z');
    for (let minute = 0; minute < 4; minute += 1)
      history.record(
        t0 + minute * 60_000,
        new Map([
          [
            'weu-001',
            stampMinute({ requests: 100 * (minute + 1), errorPercent: 0, latencyMs: 80 }, 40 + minute),
          ],
        ]),
      );
    const answer = history.seriesOf({
      stamps: [{ stampId: 'weu-001' }, { stampId: 'gone' }],
      from: '2026-01-01T10:00:00.000Z',
      intervalMinutes: 2,
      points: 3,
    });
    assert.deepEqual(answer.byStamp['weu-001']?.requestsPerMinute, [150, 350, null]);
    assert.deepEqual(answer.byStamp['weu-001']?.nodePoolUtilization, [40.5, 42.5, null]);
    assert.deepEqual(answer.byStamp['gone']?.latencyMs, [null, null, null]);
  });

  it('a minute without requests has no latency or error point; a stopped cluster no utilization', () => {
    const quiet = stampMinute({ requests: 0, errorPercent: 0, latencyMs: 0 }, undefined);
    assert.deepEqual(
      [
        quiet.latencyMs,
        quiet.errorPercent,
        quiet.requestsPerMinute,
        quiet.nodePoolUtilization,
        quiet.queueDepth,
      ],
      [null, null, 0, null, null],
    );
  });
});

describe('the seed metrics from Azure Monitor (createAzureStampMetrics)', () => {
  const PROFILE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cdn/profiles/fd';
  const AKS =
    '/subscriptions/s/resourceGroups/rg-weu-001/providers/Microsoft.ContainerService/managedClusters/aks';
  const BUS = '/subscriptions/s/resourceGroups/rg-weu-001/providers/Microsoft.ServiceBus/namespaces/sb';
  const COSMOS =
    '/subscriptions/s/resourceGroups/rg-weu-001/providers/Microsoft.DocumentDB/databaseAccounts/db';

  function fakeMetrics(answers: (resource: string, metric: string) => MetricsResponse | Error) {
    const calls: { resource: string; query: Parameters<MetricsQueryClient['list']>[1] }[] = [];
    const client: MetricsQueryClient = {
      list(resource, query) {
        calls.push({ resource, query });
        const answer = answers(resource, query.metricnames);
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    };
    return { client, calls };
  }

  const point = (minute: number, value: { total?: number; average?: number }) => ({
    timeStamp: `2026-01-01T10:0${minute}:00Z`,
    ...value,
  });
  const dims = (origin: string, group?: string) => [
    { name: { value: 'Origin' }, value: origin },
    ...(group === undefined ? [] : [{ name: { value: 'HttpStatusGroup' }, value: group }]),
  ];

  it("reads Front Door's origin metrics and the stamp's own resources by its deployment outputs", async () => {
    const { client, calls } = fakeMetrics((resource, metric) => {
      if (metric === 'OriginRequestCount')
        return {
          value: [
            {
              timeseries: [
                {
                  metadatavalues: dims('weu-001.example.net', '2xx'),
                  data: [point(0, { total: 90 }), point(1, { total: 50 })],
                },
                { metadatavalues: dims('weu-001.example.net', '5xx'), data: [point(0, { total: 10 })] },
                { metadatavalues: dims('other.example.net', '5xx'), data: [point(0, { total: 1000 })] },
              ],
            },
          ],
        };
      if (metric === 'OriginLatency')
        return {
          value: [
            {
              timeseries: [
                { metadatavalues: dims('weu-001.example.net'), data: [point(0, { average: 120 })] },
              ],
            },
          ],
        };
      if (resource === COSMOS)
        return { value: [{ timeseries: [{ data: [point(0, { total: 600 }), point(1, { total: 1200 })] }] }] };
      if (resource === BUS) return new Error('403 AuthorizationFailed');
      return {
        value: [{ timeseries: [{ data: [point(0, { average: 55.5 }), point(1, { average: 61 })] }] }],
      };
    });
    const metrics = createAzureStampMetrics({ metrics: () => Promise.resolve(client), profileId: PROFILE });
    const answer = await metrics.seriesOf({
      stamps: [
        {
          stampId: 'weu-001',
          outputs: {
            originHostName: 'weu-001.example.net',
            aksClusterResourceId: AKS,
            serviceBusNamespaceResourceId: BUS,
            cosmosAccountResourceId: COSMOS,
          },
        },
      ],
      from: '2026-01-01T10:00:00.000Z',
      intervalMinutes: 1,
      points: 3,
    });
    const weu = answer.byStamp['weu-001'];
    assert.deepEqual(weu?.requestsPerMinute, [100, 50, 0]);
    assert.deepEqual(weu?.errorPercent, [10, 0, null]);
    assert.deepEqual(weu?.latencyMs, [120, null, null]);
    assert.deepEqual(weu?.nodePoolUtilization, [55.5, 61, null]);
    assert.deepEqual(weu?.requestUnits, [10, 20, null], 'RU per minute shown per second');
    assert.equal(weu?.queueDepth, undefined, 'a resource that cannot be read leaves its metric out');

    const byMetric = new Map(calls.map((c) => [c.query.metricnames, c]));
    assert.deepEqual([...byMetric.keys()].sort(), [
      'ActiveMessages',
      'OriginLatency',
      'OriginRequestCount',
      'TotalRequestUnits',
      'node_cpu_usage_percentage',
    ]);
    const requests = byMetric.get('OriginRequestCount');
    assert.equal(requests?.resource, PROFILE);
    assert.equal(requests?.query.timespan, '2026-01-01T10:00:00.000Z/2026-01-01T10:03:00.000Z');
    assert.equal(requests?.query.interval, 'PT1M');
    assert.equal(requests?.query.metricnamespace, 'Microsoft.Cdn/profiles');
    assert.match(
      requests?.query.filter ?? '',
      /Origin eq 'weu-001' or Origin eq 'weu-001.example.net' and HttpStatusGroup eq '\*'/,
    );
    assert.equal(byMetric.get('node_cpu_usage_percentage')?.resource, AKS);
    assert.equal(
      byMetric.get('node_cpu_usage_percentage')?.query.metricnamespace,
      'Microsoft.ContainerService/managedClusters',
    );
    assert.equal(byMetric.get('TotalRequestUnits')?.query.aggregation, 'Total');
    assert.equal(byMetric.get('ActiveMessages')?.query.metricnamespace, 'Microsoft.ServiceBus/namespaces');
    assert.equal(byMetric.get('node_cpu_usage_percentage')?.query.filter, undefined);
  });

  it('a stamp without deployment outputs has only what Front Door says of it', async () => {
    const { client, calls } = fakeMetrics(() => ({ value: [] }));
    const metrics = createAzureStampMetrics({ metrics: () => Promise.resolve(client), profileId: PROFILE });
    const answer = await metrics.seriesOf({
      stamps: [{ stampId: 'weu-009' }],
      from: '2026-01-01T10:00:00.000Z',
      intervalMinutes: 5,
      points: 2,
    });
    assert.deepEqual(
      calls.map((c) => c.resource),
      [PROFILE, PROFILE],
    );
    assert.equal(calls[0]?.query.interval, 'PT5M');
    assert.deepEqual(answer.byStamp['weu-009']?.requestsPerMinute, [0, 0]);
    assert.deepEqual(answer.byStamp['weu-009']?.latencyMs, [null, null]);
  });
});
