import type { TrafficSample } from '../../lifecycle/canary';
import {
  type MetricPoints,
  STAMP_METRIC_NAMES,
  type StampMetricName,
  type StampMetricsQuery,
  type StampMetricsSeries,
} from '../../ports/stampMetrics';
import type { Persisted } from './persisted';

export type StampMinute = Readonly<Record<StampMetricName, number | null>>;

const MINUTE = 60_000;
/** Minutes of history the simulation keeps per stamp: the dashboard shows at most six hours. */
export const METRICS_RETENTION_MINUTES = 6 * 60;
/**
 * Messages one request leaves in the stamp's queue while it is served: inference requests are
 * queued work, so the depth follows the requests in flight (rate × latency).
 */
const MESSAGES_PER_REQUEST_IN_FLIGHT = 10;
/**
 * Request units per request: a point read of about 1 KB costs 1 RU and a write of 1 KB about 5.5
 * (https://learn.microsoft.com/azure/cosmos-db/request-units); a request reads and writes once.
 */
const REQUEST_UNITS_PER_REQUEST = 6.5;

/**
 * One minute of a stamp's figures from what Front Door sends it and what its cluster reports:
 * latency and 5xx only where requests arrived (Azure Monitor has no point for a minute without
 * any), utilization from the node CPU the capacity alerts evaluate, queue depth and request units
 * following the requests served.
 */
export function stampMinute(traffic: TrafficSample, nodeCpuPercent: number | undefined): StampMinute {
  const served = traffic.requests > 0;
  const inFlight = served ? (traffic.requests / 60) * (traffic.latencyMs / 1000) : 0;
  return {
    latencyMs: served ? round(traffic.latencyMs) : null,
    errorPercent: served ? round(traffic.errorPercent) : null,
    requestsPerMinute: traffic.requests,
    nodePoolUtilization: nodeCpuPercent === undefined ? null : round(nodeCpuPercent),
    queueDepth: nodeCpuPercent === undefined ? null : Math.round(inFlight * MESSAGES_PER_REQUEST_IN_FLIGHT),
    requestUnits:
      nodeCpuPercent === undefined
        ? null
        : round(((traffic.requests * (1 - traffic.errorPercent / 100)) / 60) * REQUEST_UNITS_PER_REQUEST),
  };
}

/**
 * The simulation's metric store: a minute of figures per stamp, recorded at every alert
 * evaluation, kept for six hours, and answered as Azure Monitor would, averaged over each
 * interval, null for an interval without a point.
 */
export class StampMetricsHistory {
  private readonly minutes = new Map<string, Map<number, StampMinute>>();

  record(at: number, samples: ReadonlyMap<string, StampMinute>): void {
    const minute = Math.floor(at / MINUTE);
    for (const [stampId, sample] of samples) {
      let history = this.minutes.get(stampId);
      if (history === undefined) {
        history = new Map();
        this.minutes.set(stampId, history);
      }
      history.set(minute, sample);
    }
    const oldest = minute - METRICS_RETENTION_MINUTES;
    for (const [stampId, history] of this.minutes) {
      for (const kept of history.keys()) if (kept < oldest) history.delete(kept);
      if (history.size === 0) this.minutes.delete(stampId);
    }
  }

  /** The recorded minutes as JSON (--data-dir): stamp id → [minute, figures][]. */
  persisted(): Persisted {
    return Object.fromEntries(
      [...this.minutes].map(([stampId, history]) => [stampId, [...history.entries()]]),
    );
  }

  restore(saved: Persisted): void {
    this.minutes.clear();
    for (const [stampId, entries] of Object.entries(saved)) {
      if (!Array.isArray(entries)) continue;
      const history = new Map<number, StampMinute>();
      for (const entry of entries as unknown[])
        if (Array.isArray(entry) && typeof entry[0] === 'number')
          history.set(entry[0], entry[1] as StampMinute);
      this.minutes.set(stampId, history);
    }
  }

  seriesOf(query: StampMetricsQuery): StampMetricsSeries {
    const first = Math.floor(Date.parse(query.from) / MINUTE);
    const byStamp: Record<string, Record<StampMetricName, MetricPoints>> = {};
    for (const { stampId } of query.stamps) {
      const history = this.minutes.get(stampId);
      const series = {} as Record<StampMetricName, (number | null)[]>;
      for (const name of STAMP_METRIC_NAMES) series[name] = [];
      for (let point = 0; point < query.points; point += 1) {
        const start = first + point * query.intervalMinutes;
        const inside: StampMinute[] = [];
        for (let m = start; m < start + query.intervalMinutes; m += 1) {
          const sample = history?.get(m);
          if (sample !== undefined) inside.push(sample);
        }
        for (const name of STAMP_METRIC_NAMES) series[name].push(mean(inside.map((s) => s[name])));
      }
      byStamp[stampId] = series;
    }
    return {
      from: new Date(first * MINUTE).toISOString(),
      intervalMinutes: query.intervalMinutes,
      points: query.points,
      byStamp,
    };
  }
}

function mean(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  return round(present.reduce((a, b) => a + b, 0) / present.length);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
