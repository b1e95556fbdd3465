import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

/** What Front Door saw of some origins over a window: requests, the share answered 5xx, latency. */
export const trafficSampleSchema = z.object({
  requests: z.number().min(0),
  /** Share of the requests answered with a 5xx status, in percent. */
  errorPercent: z.number().min(0).max(100),
  /** Mean time to the last response byte, in milliseconds (Front Door's OriginLatency). */
  latencyMs: z.number().min(0),
});
export type TrafficSample = z.infer<typeof trafficSampleSchema>;

/**
 * One canary comparison: the ramping stamp against the other stamps of its region in rotation
 * (not ramping themselves), over the same window. `peers` is absent when the region has none.
 */
export const canaryComparisonSchema = z.object({
  from: instant,
  to: instant,
  stamp: trafficSampleSchema,
  peers: trafficSampleSchema.extend({ stampIds: z.array(z.string().min(1)).max(100) }).optional(),
});
export type CanaryComparison = z.infer<typeof canaryComparisonSchema>;

export const CANARY_VERDICTS = ['within', 'worse', 'no-peers', 'too-little-traffic'] as const;
export type CanaryVerdict = (typeof CANARY_VERDICTS)[number];

/** A comparison with what it decided, as the audit record and the stamp keep it. */
export const canaryRecordSchema = canaryComparisonSchema.extend({
  verdict: z.enum(CANARY_VERDICTS),
  reason: z.string(),
});
export type CanaryRecord = z.infer<typeof canaryRecordSchema>;

/** How far a canary may be from its peers before it is judged worse. */
export interface CanaryThresholds {
  /** Percentage points of 5xx above the peers' error rate. */
  readonly maxErrorPercentAbovePeers: number;
  /** The canary's latency over the peers' latency. */
  readonly maxLatencyRatio: number;
  /** Fewer requests than this in the window say nothing. */
  readonly minRequests: number;
}

/**
 * Judges a canary against its peers: worse when its error rate exceeds theirs by more than the
 * allowed points, or its latency exceeds theirs by more than the allowed ratio. Too few requests
 * on either side, or no peers at all, decide nothing (the caller bakes again or passes the step).
 *
 * @example
 * judgeCanary({ from, to, stamp: { requests: 900, errorPercent: 9, latencyMs: 95 },
 *   peers: { stampIds: ['weu-001'], requests: 90000, errorPercent: 0.2, latencyMs: 90 } }, thresholds)
 * // → { verdict: 'worse', reason: '5xx 9% against 0.2% for weu-001 (more than 2 points above)' }
 */
export function judgeCanary(comparison: CanaryComparison, thresholds: CanaryThresholds): CanaryRecord {
  const { stamp, peers } = comparison;
  const judged = (verdict: CanaryVerdict, reason: string): CanaryRecord => ({
    ...comparison,
    verdict,
    reason,
  });
  if (peers === undefined || peers.stampIds.length === 0)
    return judged('no-peers', 'no other stamp of the region is in rotation to compare with');
  const names = peers.stampIds.join(', ');
  if (stamp.requests < thresholds.minRequests || peers.requests < thresholds.minRequests)
    return judged(
      'too-little-traffic',
      `${stamp.requests} request(s) against ${peers.requests} for ${names}; at least ${thresholds.minRequests} on each side are needed`,
    );
  const errorGap = stamp.errorPercent - peers.errorPercent;
  const shown = (n: number): string => `${Math.round(n * 100) / 100}`;
  if (errorGap > thresholds.maxErrorPercentAbovePeers)
    return judged(
      'worse',
      `5xx ${shown(stamp.errorPercent)}% against ${shown(peers.errorPercent)}% for ${names} (more than ${thresholds.maxErrorPercentAbovePeers} points above)`,
    );
  // A latency of 0 is no reading (Azure Monitor answered no OriginLatency points): compared only
  // when both sides have one.
  const ratio = peers.latencyMs > 0 && stamp.latencyMs > 0 ? stamp.latencyMs / peers.latencyMs : 1;
  if (ratio > thresholds.maxLatencyRatio)
    return judged(
      'worse',
      `latency ${shown(stamp.latencyMs)} ms against ${shown(peers.latencyMs)} ms for ${names} (more than ${thresholds.maxLatencyRatio}×)`,
    );
  return judged(
    'within',
    `5xx ${shown(stamp.errorPercent)}% and ${shown(stamp.latencyMs)} ms against ${shown(peers.errorPercent)}% and ${shown(peers.latencyMs)} ms for ${names}`,
  );
}

/**
 * The peers' figures as one sample: requests added, error rate and latency weighted by requests
 * (a peer that served more says more about the region), latency over the peers that have one.
 */
export function poolSamples(samples: readonly TrafficSample[]): TrafficSample {
  const weighted = (list: readonly TrafficSample[], pick: (s: TrafficSample) => number): number => {
    const requests = list.reduce((sum, s) => sum + s.requests, 0);
    return requests === 0 ? 0 : list.reduce((sum, s) => sum + pick(s) * s.requests, 0) / requests;
  };
  return {
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    errorPercent: weighted(samples, (s) => s.errorPercent),
    // Only the peers with a latency reading say what the latency is.
    latencyMs: weighted(
      samples.filter((s) => s.latencyMs > 0),
      (s) => s.latencyMs,
    ),
  };
}
