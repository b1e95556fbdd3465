import type { Clock } from '../../ports/clock';
import type { TrafficManager } from '../../ports/trafficManager';
import { armJson } from '../armRest';
import type { ArmResourcesClient } from '../deployer';
import { mapAzureError } from '../errors';

/**
 * One resource's metrics from Azure Monitor's ARM metrics API
 * (`GET {resourceUri}/providers/Microsoft.Insights/metrics`, api-version 2023-10-01), made through
 * the ARM client's pipeline by `armMetrics`.
 * https://learn.microsoft.com/rest/api/monitor/metrics/list
 */
export interface MetricsQueryClient {
  list(
    resourceUri: string,
    query: {
      timespan: string;
      interval: string;
      metricnames: string;
      metricnamespace: string;
      aggregation: string;
      filter?: string;
      /** Series to answer at most (the API's default with a filter is 10). */
      top?: number;
    },
  ): Promise<MetricsResponse>;
}

export interface MetricsResponse {
  readonly value?: readonly {
    readonly name?: { readonly value?: string };
    readonly timeseries?: readonly {
      readonly metadatavalues?: readonly {
        readonly name?: { readonly value?: string };
        readonly value?: string;
      }[];
      readonly data?: readonly {
        readonly timeStamp?: string;
        readonly total?: number;
        readonly average?: number;
      }[];
    }[];
  }[];
}

export const METRICS_API_VERSION = '2023-10-01';

export function armMetrics(
  client: Pick<ArmResourcesClient, 'sendRequest'>,
  armEndpoint: string | undefined,
): MetricsQueryClient {
  return {
    async list(resourceUri, query) {
      const { filter, top, ...rest } = query;
      return (await armJson(client, armEndpoint, {
        method: 'GET',
        path: `${resourceUri}/providers/Microsoft.Insights/metrics`,
        apiVersion: METRICS_API_VERSION,
        query: {
          ...rest,
          ...(filter === undefined ? {} : { $filter: filter }),
          ...(top === undefined ? {} : { top: String(top) }),
        },
      })) as MetricsResponse;
    },
  };
}

/** What reading the Front Door profile's metrics needs (the in-flight count, the canary's figures). */
export interface FrontDoorMetricsOptions {
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
 * profile's `OriginRequestCount` metric (filtered to this origin's `Origin` values) through
 * Azure Monitor's ARM metrics API (the metrics batch API needs a regional endpoint and the
 * resources' region; Front Door is a global resource, which it does not document). "Zero for two consecutive minutes" ends a drain early; the
 * two minutes end `lagMinutes` before now, so a minute Azure Monitor has not finished ingesting
 * is never read as zero. A stamp whose origin is gone has nothing in flight. Front Door counts a
 * request when it is answered, so a long request shows in the minute it ends: the drain timer
 * stays the upper bound.
 */
export function createInFlightRequests(
  options: FrontDoorMetricsOptions,
): (stampId: string) => Promise<number> {
  const lag = (options.lagMinutes ?? 3) * MINUTE;
  return async (stampId) => {
    const origin = await options.traffic.getOrigin(stampId);
    if (origin === undefined) return 0;
    const endTime = new Date(Math.floor((options.clock.now().getTime() - lag) / MINUTE) * MINUTE);
    const startTime = new Date(endTime.getTime() - 2 * MINUTE);
    let answer: MetricsResponse;
    try {
      answer = await (
        await options.metrics()
      ).list(options.profileId, {
        timespan: `${startTime.toISOString()}/${endTime.toISOString()}`,
        interval: 'PT1M',
        metricnames: IN_FLIGHT_METRIC,
        metricnamespace: IN_FLIGHT_NAMESPACE,
        aggregation: 'Total',
        // Which value names this origin is not documented (its host name, as the access logs name
        // origins, or the origin's name): both, one series each. Never `Origin eq '*'`: with a
        // filter the API answers only `top` (default 10) series, and a draining origin, carrying
        // little traffic, is the one left out.
        filter: `Origin eq '${quote(origin.hostName)}' or Origin eq '${quote(stampId)}'`,
      });
    } catch (error) {
      throw mapAzureError(error, `reading ${IN_FLIGHT_METRIC} of ${stampId}`);
    }
    let total = 0;
    const names = new Set([origin.hostName.toLowerCase(), stampId.toLowerCase()]);
    for (const metric of answer.value ?? [])
      for (const series of metric.timeseries ?? [])
        if (isOrigin(series, names))
          for (const point of series.data ?? []) {
            const at = Date.parse(point.timeStamp ?? '');
            if (at >= startTime.getTime() && at < endTime.getTime()) total += point.total ?? 0;
          }
    return total;
  };
}

export type Series = NonNullable<NonNullable<MetricsResponse['value']>[number]['timeseries']>[number];

export function isOrigin(series: Series, names: ReadonlySet<string>): boolean {
  return (series.metadatavalues ?? []).some(
    (m) => m.name?.value?.toLowerCase() === 'origin' && names.has((m.value ?? '').toLowerCase()),
  );
}

export function quote(value: string): string {
  return value.replace(/'/g, "''");
}
