/**
 * The seed's monitoring figures per stamp: request latency, errors, requests, node pool
 * utilization, queue depth and database request units, as time series over a window. On Azure
 * they come from Azure Monitor's platform metrics of the stamp's own resources (its Front Door
 * origin, AKS cluster, Service Bus namespace and Cosmos DB account); locally from the
 * simulation's model of them.
 */
export const STAMP_METRICS = {
  latencyMs: { label: 'request latency', unit: 'ms' },
  errorPercent: { label: '5xx responses', unit: '%' },
  requestsPerMinute: { label: 'requests', unit: 'per min' },
  nodePoolUtilization: { label: 'node pool CPU', unit: '%' },
  queueDepth: { label: 'queue depth', unit: 'messages' },
  requestUnits: { label: 'database RU', unit: 'RU/s' },
} as const;

export type StampMetricName = keyof typeof STAMP_METRICS;
export const STAMP_METRIC_NAMES = Object.keys(STAMP_METRICS) as StampMetricName[];

/** One point per interval, oldest first; null where the source reported nothing. */
export type MetricPoints = readonly (number | null)[];

export interface StampMetricsTarget {
  readonly stampId: string;
  /** The stamp deployment's outputs (resource ids); the Azure adapter reads the stamp's resources by them. */
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface StampMetricsQuery {
  readonly stamps: readonly StampMetricsTarget[];
  /** Start of the first interval, on a whole minute. */
  readonly from: string;
  readonly intervalMinutes: number;
  /** How many intervals. */
  readonly points: number;
}

export interface StampMetricsSeries {
  readonly from: string;
  readonly intervalMinutes: number;
  readonly points: number;
  /** Per stamp and metric; a metric missing for a stamp is all nulls. */
  readonly byStamp: Readonly<Record<string, Partial<Record<StampMetricName, MetricPoints>>>>;
}

export interface StampMetrics {
  seriesOf(query: StampMetricsQuery): Promise<StampMetricsSeries>;
}
