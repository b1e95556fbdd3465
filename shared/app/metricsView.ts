import type { Phase } from '../lifecycle/phase';
import {
  type MetricPoints,
  STAMP_METRIC_NAMES,
  STAMP_METRICS,
  type StampMetricName,
} from '../ports/stampMetrics';
import { isLive } from './fleet';
import type { Services } from './serviceTypes';

export type MetricSeries = Readonly<Record<StampMetricName, MetricPoints>>;

export interface StampMetricsView {
  readonly id: string;
  readonly region: string;
  readonly phase: Phase;
  readonly series: MetricSeries;
}

export interface RegionMetricsView {
  readonly name: string;
  readonly stamps: readonly string[];
  readonly series: MetricSeries;
}

export interface MetricsView {
  readonly from: string;
  readonly to: string;
  readonly intervalMinutes: number;
  readonly points: number;
  readonly metrics: typeof STAMP_METRICS;
  readonly regions: readonly RegionMetricsView[];
  readonly stamps: readonly StampMetricsView[];
}

const MINUTE = 60_000;

/**
 * The grain of a window: one-minute points up to an hour, five-minute points beyond (intervals
 * Azure Monitor's metrics API offers, https://learn.microsoft.com/rest/api/monitor/metrics/list).
 */
export function intervalFor(minutes: number): number {
  return minutes <= 60 ? 1 : 5;
}

/**
 * What `GET /api/metrics` answers: the seed's monitoring figures of every live stamp over the
 * window ending at the last whole minute, and each region's figures from its stamps'.
 */
export async function metricsView(
  svc: Pick<Services, 'clock' | 'store' | 'stampMetrics' | 'config'>,
  query: { readonly minutes: number; readonly region?: string },
): Promise<MetricsView> {
  const regions = svc.config.policy.regions.map((r) => r.name);
  const intervalMinutes = intervalFor(query.minutes);
  const points = Math.ceil(query.minutes / intervalMinutes);
  const end = Math.floor(svc.clock.now().getTime() / MINUTE) * MINUTE;
  const from = end - points * intervalMinutes * MINUTE;
  const stamps = (await svc.store.list(query.region === undefined ? {} : { region: query.region }))
    .filter(isLive)
    .sort((a, b) => a.id.localeCompare(b.id));
  const answer = await svc.stampMetrics.seriesOf({
    stamps: stamps.map((s) => ({
      stampId: s.id,
      ...(s.deployment?.outputs === undefined ? {} : { outputs: s.deployment.outputs }),
    })),
    from: new Date(from).toISOString(),
    intervalMinutes,
    points,
  });
  const stampViews: StampMetricsView[] = stamps.map((s) => ({
    id: s.id,
    region: s.region,
    phase: s.phase,
    series: complete(answer.byStamp[s.id] ?? {}, points),
  }));
  const shown = query.region === undefined ? regions : [query.region];
  return {
    from: new Date(from).toISOString(),
    to: new Date(end).toISOString(),
    intervalMinutes,
    points,
    metrics: STAMP_METRICS,
    regions: shown.map((name) => {
      const inRegion = stampViews.filter((s) => s.region === name);
      return {
        name,
        stamps: inRegion.map((s) => s.id),
        series: regionSeries(
          inRegion.map((s) => s.series),
          points,
        ),
      };
    }),
    stamps: stampViews,
  };
}

function complete(partial: Partial<Record<StampMetricName, MetricPoints>>, points: number): MetricSeries {
  const series = {} as Record<StampMetricName, MetricPoints>;
  for (const name of STAMP_METRIC_NAMES)
    series[name] = partial[name] ?? Array.from({ length: points }, () => null);
  return series;
}

/**
 * A region's figures from its stamps': requests, queue depth and request units add up; latency
 * and the 5xx share are weighted by each stamp's requests (a stamp serving nothing does not pull
 * the region's latency down); node pool utilization is the mean over the clusters that reported.
 * A point none of the stamps reported stays null.
 */
export function regionSeries(stamps: readonly MetricSeries[], points: number): MetricSeries {
  const at = (s: MetricSeries, name: StampMetricName, i: number): number | null => s[name][i] ?? null;
  const sum = (name: StampMetricName, i: number): number | null => {
    const present = stamps.map((s) => at(s, name, i)).filter((v): v is number => v !== null);
    return present.length === 0 ? null : round(present.reduce((a, b) => a + b, 0));
  };
  const weighted = (name: StampMetricName, i: number): number | null => {
    let total = 0;
    let weight = 0;
    for (const s of stamps) {
      const value = at(s, name, i);
      const requests = at(s, 'requestsPerMinute', i) ?? 0;
      if (value === null || requests <= 0) continue;
      total += value * requests;
      weight += requests;
    }
    return weight === 0 ? null : round(total / weight);
  };
  const mean = (name: StampMetricName, i: number): number | null => {
    const present = stamps.map((s) => at(s, name, i)).filter((v): v is number => v !== null);
    return present.length === 0 ? null : round(present.reduce((a, b) => a + b, 0) / present.length);
  };
  const each = (f: (i: number) => number | null): MetricPoints =>
    Array.from({ length: points }, (_, i) => f(i));
  return {
    latencyMs: each((i) => weighted('latencyMs', i)),
    errorPercent: each((i) => weighted('errorPercent', i)),
    requestsPerMinute: each((i) => sum('requestsPerMinute', i)),
    nodePoolUtilization: each((i) => mean('nodePoolUtilization', i)),
    queueDepth: each((i) => sum('queueDepth', i)),
    requestUnits: each((i) => sum('requestUnits', i)),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
