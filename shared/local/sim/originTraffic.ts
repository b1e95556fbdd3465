import type { TrafficSample } from '../../lifecycle/canary';

/** One origin as the traffic model sees it. */
export interface TrafficOrigin {
  readonly stampId: string;
  readonly region: string | undefined;
  readonly weight: number;
  /** Enabled and Healthy: Front Door sends it requests. */
  readonly serving: boolean;
  /** Its health endpoint fails (a failed stamp or region): most requests fail too. */
  readonly failing: boolean;
  /** A bad build (the `bad-stamp` fault): probes pass, but errors and latency rise. */
  readonly bad: boolean;
}

/** Requests a region's users send per minute at 50% load; the rate follows the load. */
export const REGION_REQUESTS_PER_MINUTE = 6000;
const BASE_ERROR_PERCENT = 0.2;
const BAD_ERROR_PERCENT = 8;
const FAILING_ERROR_PERCENT = 60;
const BASE_LATENCY_MS = 80;
const FAILING_LATENCY_FACTOR = 5;

/**
 * The simulation's model of Front Door's origin metrics: each region's users are split over the
 * region's serving origins by weight (Front Door's weighted choice among origins of one
 * priority); 5xx share and latency are those of a healthy stamp (0.2%, 80 ms, more under load),
 * of a bad build (8%, twice the latency) or of a failing one (60%, five times the latency). Deterministic: a canary check in a
 * test sees what the fault says, not noise.
 */
export function originTraffic(
  origins: readonly TrafficOrigin[],
  loadOf: (region: string) => number,
  minutes: number,
): Record<string, TrafficSample> {
  const weightByRegion = new Map<string, number>();
  for (const o of origins)
    if (o.serving && o.region !== undefined)
      weightByRegion.set(o.region, (weightByRegion.get(o.region) ?? 0) + o.weight);
  const result: Record<string, TrafficSample> = {};
  for (const o of origins) {
    const regionWeight = o.region === undefined ? 0 : (weightByRegion.get(o.region) ?? 0);
    if (!o.serving || o.region === undefined || regionWeight === 0) {
      result[o.stampId] = { requests: 0, errorPercent: 0, latencyMs: 0 };
      continue;
    }
    const load = loadOf(o.region);
    const rate = (REGION_REQUESTS_PER_MINUTE * load) / 50;
    const latency = BASE_LATENCY_MS * (1 + Math.max(0, load - 50) / 100);
    result[o.stampId] = {
      requests: Math.round((rate * minutes * o.weight) / regionWeight),
      errorPercent: o.failing ? FAILING_ERROR_PERCENT : o.bad ? BAD_ERROR_PERCENT : BASE_ERROR_PERCENT,
      // A failing stamp's requests mostly time out before its origin is taken out of rotation.
      latencyMs: o.failing ? latency * FAILING_LATENCY_FACTOR : o.bad ? latency * 2 : latency,
    };
  }
  return result;
}
