import type { TrafficSample } from '../lifecycle/canary';

/** The origins to read and the window; the adapter may end the window earlier (metrics arrive late). */
export interface OriginTrafficQuery {
  readonly stampIds: readonly string[];
  readonly from: string;
  readonly to: string;
}

export interface OriginTraffic {
  /** The window actually read. */
  readonly from: string;
  readonly to: string;
  /** Per stamp id; a stamp Front Door sent nothing to has zero requests. */
  readonly byStamp: Readonly<Record<string, TrafficSample>>;
}

/**
 * What Front Door saw of each stamp's origin: requests, the 5xx share and the latency, for the
 * canary comparison of a ramping stamp with its region's peers. On Azure the profile's
 * `OriginRequestCount` (by `HttpStatusGroup`) and `OriginLatency` metrics; locally the
 * simulation's model of them.
 */
export interface OriginMetrics {
  trafficOf(query: OriginTrafficQuery): Promise<OriginTraffic>;
}
