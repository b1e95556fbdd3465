import type { Clock } from '../../ports/clock';
import type { TrafficManager } from '../../ports/trafficManager';
import { mapAzureError } from '../errors';

/** `MetricsClient.queryResources` of `@azure/monitor-query-metrics` 1.0.0, as used here. */
export interface MetricsQueryClient {
  queryResources(
    resourceIds: string[],
    metricNames: string[],
    metricNamespace: string,
    options: { startTime: Date; endTime: Date; interval: string; aggregation: string; filter: string },
  ): Promise<
    readonly {
      readonly metrics: readonly {
        readonly name: string;
        readonly timeseries: readonly {
          readonly data?: readonly { readonly timeStamp: Date; readonly total?: number }[];
        }[];
      }[];
    }[]
  >;
}

export interface InFlightOptions {
  readonly metrics: () => Promise<MetricsQueryClient>;
  readonly traffic: Pick<TrafficManager, 'getOrigin'>;
  /** The Front Door profile's resource ID. */
  readonly profileId: string;
  readonly clock: Pick<Clock, 'now'>;
  /** Minutes a minute's metric takes to be complete in Azure Monitor; default 3. */
  readonly lagMinutes?: number;
}

const MINUTE = 60_000;
export const IN_FLIGHT_METRIC = 'OriginRequestCount';
export const IN_FLIGHT_NAMESPACE = 'Microsoft.Cdn/profiles';

/**
 * Requests Front Door sent to the stamp's origin in the last two complete minutes, from the
 * profile's `OriginRequestCount` metric (dimension `Origin`, the origin's host name) through the
 * Azure Monitor metrics batch API. "Zero for two consecutive minutes" ends a drain early; the
 * two minutes end `lagMinutes` before now, so a minute Azure Monitor has not finished ingesting
 * is never read as zero. A stamp whose origin is gone has nothing in flight. Front Door counts a
 * request when it is answered, so a long request shows in the minute it ends: the drain timer
 * stays the upper bound.
 */
export function createInFlightRequests(options: InFlightOptions): (stampId: string) => Promise<number> {
  const lag = (options.lagMinutes ?? 3) * MINUTE;
  return async (stampId) => {
    const origin = await options.traffic.getOrigin(stampId);
    if (origin === undefined) return 0;
    const endTime = new Date(Math.floor((options.clock.now().getTime() - lag) / MINUTE) * MINUTE);
    const startTime = new Date(endTime.getTime() - 2 * MINUTE);
    let results: Awaited<ReturnType<MetricsQueryClient['queryResources']>>;
    try {
      results = await (
        await options.metrics()
      ).queryResources([options.profileId], [IN_FLIGHT_METRIC], IN_FLIGHT_NAMESPACE, {
        startTime,
        endTime,
        interval: 'PT1M',
        aggregation: 'Total',
        filter: `Origin eq '${origin.hostName.replace(/'/g, "''")}'`,
      });
    } catch (error) {
      throw mapAzureError(error, `reading ${IN_FLIGHT_METRIC} of ${stampId}`);
    }
    let total = 0;
    for (const result of results)
      for (const metric of result.metrics)
        for (const series of metric.timeseries)
          for (const point of series.data ?? []) {
            const at = point.timeStamp.getTime();
            if (at >= startTime.getTime() && at < endTime.getTime()) total += point.total ?? 0;
          }
    return total;
  };
}
