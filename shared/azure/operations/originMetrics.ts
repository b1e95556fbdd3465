import type { TrafficSample } from '../../lifecycle/canary';
import type { OriginMetrics } from '../../ports/originMetrics';
import { mapAzureError } from '../errors';
import {
  type FrontDoorMetricsOptions,
  isOrigin,
  type MetricsResponse,
  quote,
  type Series,
} from './inFlightRequests';

const MINUTE = 60_000;
const NAMESPACE = 'Microsoft.Cdn/profiles';

/**
 * The canary's figures from the Front Door profile's metrics, through Azure Monitor's ARM
 * metrics API: `OriginRequestCount` (Total) split by `HttpStatusGroup` gives the requests and the
 * 5xx share, `OriginLatency` (Average, per minute, weighted by that minute's requests) the
 * latency. Both have the `Origin` dimension
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cdn-profiles-metrics,
 * https://learn.microsoft.com/azure/frontdoor/monitor-front-door-reference). The window holds the
 * step's whole minutes and ends `lagMinutes` before now, so a minute still being ingested is never
 * read as quiet and a minute before the step is never the canary's.
 * Which value the `Origin` dimension holds is not documented (host name or origin name): both
 * are asked for and matched, as for the drain's in-flight count.
 */
export function createOriginMetrics(options: FrontDoorMetricsOptions): OriginMetrics {
  const lag = (options.lagMinutes ?? 3) * MINUTE;
  return {
    async trafficOf(query) {
      const end = Math.floor((options.clock.now().getTime() - lag) / MINUTE) * MINUTE;
      // Whole minutes inside the step only (a bake is at least 5 minutes, so one is always there).
      const start = Math.min(Math.ceil(Date.parse(query.from) / MINUTE) * MINUTE, end);
      const timespan = `${new Date(start).toISOString()}/${new Date(end).toISOString()}`;
      const names = new Map<string, Set<string>>();
      for (const stampId of query.stampIds) {
        const origin = await options.traffic.getOrigin(stampId);
        names.set(
          stampId,
          new Set([stampId.toLowerCase(), ...(origin === undefined ? [] : [origin.hostName.toLowerCase()])]),
        );
      }
      const originFilter = [...names.values()]
        .flatMap((set) => [...set])
        .map((value) => `Origin eq '${quote(value)}'`)
        .join(' or ');
      const read = async (metric: string, aggregation: string, filter: string): Promise<MetricsResponse> => {
        try {
          return await (
            await options.metrics()
          ).list(options.profileId, {
            timespan,
            interval: 'PT1M',
            metricnames: metric,
            metricnamespace: NAMESPACE,
            aggregation,
            filter,
            top: 1000,
          });
        } catch (error) {
          throw mapAzureError(error, `reading ${metric} of ${query.stampIds.join(', ')}`);
        }
      };
      const [requests, latency] = await Promise.all([
        // The documented filter grammar: `or` joins values of one dimension, `and` the dimensions,
        // no parentheses ("A eq 'a1' and B eq 'b1' or B eq 'b2' and C eq '*'",
        // https://learn.microsoft.com/rest/api/monitor/metrics/list).
        read('OriginRequestCount', 'Total', `${originFilter} and HttpStatusGroup eq '*'`),
        read('OriginLatency', 'Average', originFilter),
      ]);
      const byStamp: Record<string, TrafficSample> = {};
      for (const [stampId, set] of names) byStamp[stampId] = sampleOf(requests, latency, set, start, end);
      return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), byStamp };
    },
  };
}

function seriesOf(answer: MetricsResponse, names: ReadonlySet<string>): Series[] {
  return (answer.value ?? []).flatMap((metric) =>
    (metric.timeseries ?? []).filter((s) => isOrigin(s, names)),
  );
}

function statusGroupOf(series: Series): string {
  const found = (series.metadatavalues ?? []).find((m) => m.name?.value?.toLowerCase() === 'httpstatusgroup');
  return (found?.value ?? '').toLowerCase();
}

function sampleOf(
  requests: MetricsResponse,
  latency: MetricsResponse,
  names: ReadonlySet<string>,
  start: number,
  end: number,
): TrafficSample {
  const inWindow = (at: string | undefined): boolean => {
    const t = Date.parse(at ?? '');
    return t >= start && t < end;
  };
  let total = 0;
  let errors = 0;
  const perMinute = new Map<number, number>();
  for (const series of seriesOf(requests, names)) {
    const isError = statusGroupOf(series).startsWith('5');
    for (const point of series.data ?? []) {
      if (!inWindow(point.timeStamp)) continue;
      const count = point.total ?? 0;
      total += count;
      if (isError) errors += count;
      const minute = Date.parse(point.timeStamp ?? '');
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + count);
    }
  }
  let weighted = 0;
  let weight = 0;
  for (const series of seriesOf(latency, names))
    for (const point of series.data ?? []) {
      if (!inWindow(point.timeStamp) || point.average === undefined) continue;
      const count = perMinute.get(Date.parse(point.timeStamp ?? '')) ?? 0;
      weighted += point.average * count;
      weight += count;
    }
  return {
    requests: total,
    errorPercent: total === 0 ? 0 : (errors * 100) / total,
    latencyMs: weight === 0 ? 0 : weighted / weight,
  };
}
