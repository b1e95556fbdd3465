/**
 * The simulated Azure's only source of chance: a seeded PRNG, so that a test or a demo run
 * with the same seed and the same calls gets the same durations.
 */
export type Random = () => number;

/**
 * mulberry32: 32 bits of state, uniform in [0, 1). Small and good enough for durations; it is
 * not for anything that needs unpredictability.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface DurationRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** A duration drawn uniformly in the range, rounded to whole seconds so that state() reads cleanly. */
export function drawDuration(random: Random, range: DurationRange): number {
  const drawn = range.minMs + random() * (range.maxMs - range.minMs);
  return Math.min(range.maxMs, Math.max(range.minMs, Math.round(drawn / 1000) * 1000));
}
