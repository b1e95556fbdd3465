import type {
  MetricPoints,
  StampMetricName,
  StampMetrics,
  StampMetricsSeries,
  StampMetricsTarget,
} from '../../ports/stampMetrics';
import { mapAzureError } from '../errors';
import {
  isOrigin,
  type MetricsQueryClient,
  type MetricsResponse,
  quote,
  type Series,
} from './inFlightRequests';

export interface AzureStampMetricsOptions {
  readonly metrics: () => Promise<MetricsQueryClient>;
  /** The Front Door profile's resource ID. */
  readonly profileId: string;
  /** Resource reads at once: a fleet's dashboard asks for a few per stamp. Default 8. */
  readonly concurrency?: number;
}

const MINUTE = 60_000;
/** Origins per Front Door query: keeps the `$filter` short and the series under `top`. */
const ORIGINS_PER_QUERY = 40;

/**
 * One resource metric of a stamp's own resources (docs/azure.md §2 and §16): which deployment
 * output names the resource, the metric, its namespace, the aggregation asked for, and how a
 * point becomes the dashboard's figure.
 */
interface ResourceMetric {
  readonly name: StampMetricName;
  readonly output: string;
  readonly metric: string;
  readonly namespace: string;
  readonly aggregation: 'Average' | 'Total';
  readonly value: (
    point: { total?: number; average?: number },
    intervalMinutes: number,
  ) => number | undefined;
}

const RESOURCE_METRICS: readonly ResourceMetric[] = [
  {
    // The figure the capacity alert evaluates (infra/stamp/modules/aks.bicep): every node pool.
    name: 'nodePoolUtilization',
    output: 'aksClusterResourceId',
    metric: 'node_cpu_usage_percentage',
    namespace: 'Microsoft.ContainerService/managedClusters',
    aggregation: 'Average',
    value: (p) => p.average,
  },
  {
    name: 'queueDepth',
    output: 'serviceBusNamespaceResourceId',
    metric: 'ActiveMessages',
    namespace: 'Microsoft.ServiceBus/namespaces',
    aggregation: 'Average',
    value: (p) => p.average,
  },
  {
    // Request units per interval, shown per second as provisioned throughput is.
    name: 'requestUnits',
    output: 'cosmosAccountResourceId',
    metric: 'TotalRequestUnits',
    namespace: 'Microsoft.DocumentDB/databaseAccounts',
    aggregation: 'Total',
    value: (p, minutes) => (p.total === undefined ? undefined : p.total / (minutes * 60)),
  },
];

/**
 * The seed's monitoring figures from Azure Monitor's platform metrics, read through the ARM
 * metrics API: request latency, 5xx share and requests from the Front Door profile's
 * `OriginLatency` and `OriginRequestCount` split by `Origin` (a few queries for the whole fleet),
 * and per stamp its AKS cluster's `node_cpu_usage_percentage`, its Service Bus namespace's
 * `ActiveMessages` and its Cosmos DB account's `TotalRequestUnits`, found by the resource ids the
 * stamp deployment output. A resource that cannot be read leaves its metric null for that stamp:
 * a dashboard shows the rest rather than nothing.
 */
export function createAzureStampMetrics(options: AzureStampMetricsOptions): StampMetrics {
  const concurrency = Math.max(1, options.concurrency ?? 8);
  return {
    async seriesOf(query) {
      const start = Math.floor(Date.parse(query.from) / MINUTE) * MINUTE;
      const end = start + query.points * query.intervalMinutes * MINUTE;
      const window = { start, end, intervalMinutes: query.intervalMinutes, points: query.points };
      const byStamp: Record<string, Partial<Record<StampMetricName, MetricPoints>>> = {};
      for (const target of query.stamps) byStamp[target.stampId] = {};
      const frontDoor = await readFrontDoor(options, query.stamps, window);
      for (const [stampId, series] of frontDoor) Object.assign(byStamp[stampId] ?? {}, series);
      const reads = query.stamps.flatMap((target) =>
        RESOURCE_METRICS.flatMap((metric) => {
          const resourceId = target.outputs?.[metric.output];
          return resourceId === undefined ? [] : [{ target, metric, resourceId }];
        }),
      );
      await inBatches(reads, concurrency, async ({ target, metric, resourceId }) => {
        const points = await readResource(options, resourceId, metric, window).catch(() => undefined);
        const stamp = byStamp[target.stampId];
        if (stamp !== undefined && points !== undefined) stamp[metric.name] = points;
      });
      return {
        from: new Date(start).toISOString(),
        intervalMinutes: query.intervalMinutes,
        points: query.points,
        byStamp,
      } satisfies StampMetricsSeries;
    },
  };
}

interface Window {
  readonly start: number;
  readonly end: number;
  readonly intervalMinutes: number;
  readonly points: number;
}

function timespanOf(window: Window): string {
  return `${new Date(window.start).toISOString()}/${new Date(window.end).toISOString()}`;
}

function indexOf(window: Window, timeStamp: string | undefined): number | undefined {
  const at = Date.parse(timeStamp ?? '');
  if (!(at >= window.start && at < window.end)) return undefined;
  return Math.floor((at - window.start) / (window.intervalMinutes * MINUTE));
}

async function readResource(
  options: AzureStampMetricsOptions,
  resourceId: string,
  metric: ResourceMetric,
  window: Window,
): Promise<MetricPoints> {
  let answer: MetricsResponse;
  try {
    answer = await (
      await options.metrics()
    ).list(resourceId, {
      timespan: timespanOf(window),
      interval: `PT${window.intervalMinutes}M`,
      metricnames: metric.metric,
      metricnamespace: metric.namespace,
      aggregation: metric.aggregation,
    });
  } catch (error) {
    throw mapAzureError(error, `reading ${metric.metric} of ${resourceId}`);
  }
  const points: (number | null)[] = Array.from({ length: window.points }, () => null);
  for (const series of (answer.value ?? []).flatMap((m) => m.timeseries ?? []))
    for (const point of series.data ?? []) {
      const index = indexOf(window, point.timeStamp);
      const value = metric.value(point, window.intervalMinutes);
      if (index !== undefined && value !== undefined) points[index] = round((points[index] ?? 0) + value);
    }
  return points;
}

/** Latency, 5xx share and requests per origin from the profile, a few origins per query. */
async function readFrontDoor(
  options: AzureStampMetricsOptions,
  stamps: readonly StampMetricsTarget[],
  window: Window,
): Promise<Map<string, Partial<Record<StampMetricName, MetricPoints>>>> {
  const result = new Map<string, Partial<Record<StampMetricName, MetricPoints>>>();
  for (let first = 0; first < stamps.length; first += ORIGINS_PER_QUERY) {
    const chunk = stamps.slice(first, first + ORIGINS_PER_QUERY);
    const names = new Map(chunk.map((t) => [t.stampId, originNames(t)]));
    const filter = [...names.values()]
      .flatMap((set) => [...set])
      .map((value) => `Origin eq '${quote(value)}'`)
      .join(' or ');
    const read = async (
      metric: string,
      aggregation: string,
      withStatus: boolean,
    ): Promise<MetricsResponse> => {
      try {
        return await (
          await options.metrics()
        ).list(options.profileId, {
          timespan: timespanOf(window),
          interval: `PT${window.intervalMinutes}M`,
          metricnames: metric,
          metricnamespace: 'Microsoft.Cdn/profiles',
          aggregation,
          filter: withStatus ? `${filter} and HttpStatusGroup eq '*'` : filter,
          top: 1000,
        });
      } catch (error) {
        throw mapAzureError(error, `reading ${metric} of ${chunk.map((t) => t.stampId).join(', ')}`);
      }
    };
    const [requests, latency] = await Promise.all([
      read('OriginRequestCount', 'Total', true).catch(() => undefined),
      read('OriginLatency', 'Average', false).catch(() => undefined),
    ]);
    for (const [stampId, set] of names) result.set(stampId, frontDoorSeries(requests, latency, set, window));
  }
  return result;
}

function originNames(target: StampMetricsTarget): Set<string> {
  const host = target.outputs?.originHostName;
  return new Set([target.stampId.toLowerCase(), ...(host === undefined ? [] : [host.toLowerCase()])]);
}

function statusGroupOf(series: Series): string {
  const found = (series.metadatavalues ?? []).find((m) => m.name?.value?.toLowerCase() === 'httpstatusgroup');
  return (found?.value ?? '').toLowerCase();
}

function frontDoorSeries(
  requests: MetricsResponse | undefined,
  latency: MetricsResponse | undefined,
  names: ReadonlySet<string>,
  window: Window,
): Partial<Record<StampMetricName, MetricPoints>> {
  const empty = (): (number | null)[] => Array.from({ length: window.points }, () => null);
  const out: Partial<Record<StampMetricName, MetricPoints>> = {};
  const totals = Array.from({ length: window.points }, () => 0);
  const errors = Array.from({ length: window.points }, () => 0);
  if (requests !== undefined) {
    for (const series of (requests.value ?? [])
      .flatMap((m) => m.timeseries ?? [])
      .filter((s) => isOrigin(s, names))) {
      const isError = statusGroupOf(series).startsWith('5');
      for (const point of series.data ?? []) {
        const index = indexOf(window, point.timeStamp);
        if (index === undefined) continue;
        totals[index] = (totals[index] ?? 0) + (point.total ?? 0);
        if (isError) errors[index] = (errors[index] ?? 0) + (point.total ?? 0);
      }
    }
    out.requestsPerMinute = totals.map((t) => round(t / window.intervalMinutes));
    out.errorPercent = totals.map((t, i) => (t === 0 ? null : round(((errors[i] ?? 0) * 100) / t)));
  }
  if (latency !== undefined) {
    const points = empty();
    for (const series of (latency.value ?? [])
      .flatMap((m) => m.timeseries ?? [])
      .filter((s) => isOrigin(s, names)))
      for (const point of series.data ?? []) {
        const index = indexOf(window, point.timeStamp);
        // Of the two series (host name, origin name) only one carries points; the first wins.
        if (index !== undefined && point.average !== undefined && points[index] === null)
          points[index] = round(point.average);
      }
    out.latencyMs = points;
  }
  return out;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  for (let first = 0; first < items.length; first += size)
    await Promise.all(items.slice(first, first + size).map(run));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
