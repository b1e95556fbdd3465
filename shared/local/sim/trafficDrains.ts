import { DRAIN_MAX_MS, DRAIN_MIN_MS, IN_FLIGHT_PER_LOAD_PERCENT } from './durations';
import type { Collections } from './persisted';

interface Drain {
  readonly from: number;
  readonly startedAt: number;
  readonly durationMs: number;
}

/**
 * In-flight requests of stamps leaving rotation. A stamp in rotation carries requests in
 * proportion to its region's load; from the moment its origin is disabled (or removed) they
 * fall linearly to zero over 5 minutes (idle region) to 25 (full load). A stamp that never took
 * traffic has none to drain.
 */
export class TrafficDrains {
  private readonly drains = new Map<string, Drain>();

  /** What this part of the simulation keeps across a restart (--data-dir), by name. */
  persistedCollections(): Collections {
    return { drains: this.drains };
  }

  /** Requests a stamp in rotation has in flight at the given load. */
  static steadyInFlight(loadPercent: number): number {
    return Math.round(loadPercent * IN_FLIGHT_PER_LOAD_PERCENT);
  }

  /** The origin left rotation at `at`, at `loadPercent`; a drain already running keeps going. */
  start(stampId: string, at: number, loadPercent: number): void {
    if (this.drains.has(stampId)) return;
    this.drains.set(stampId, {
      from: TrafficDrains.steadyInFlight(loadPercent),
      startedAt: at,
      durationMs: DRAIN_MIN_MS + ((DRAIN_MAX_MS - DRAIN_MIN_MS) * loadPercent) / 100,
    });
  }

  /** The origin is back in rotation. */
  cancel(stampId: string): void {
    this.drains.delete(stampId);
  }

  has(stampId: string): boolean {
    return this.drains.has(stampId);
  }

  remaining(stampId: string, at: number): number {
    const drain = this.drains.get(stampId);
    if (drain === undefined) return 0;
    const left = 1 - (at - drain.startedAt) / drain.durationMs;
    return left <= 0 ? 0 : Math.ceil(drain.from * left);
  }
}
