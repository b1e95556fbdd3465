import { abortReason, type Clock } from '../../ports/clock';

/** The real-time facilities the clock uses; injectable so tests check the arithmetic without waiting. */
export interface RealTime {
  /** Real milliseconds, monotonic (`performance.now` by default), so a wall-clock change cannot move simulated time. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeRealTime: RealTime = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ScaledClockOptions {
  /** Simulated ms per real ms (default 60: one simulated minute per real second). */
  readonly scale?: number;
  /** The simulated instant at construction (default: the real wall-clock time). */
  readonly start?: Date;
  readonly realTime?: RealTime;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits re-check and wait again. */
const MAX_TIMEOUT_MS = 2_147_483_647;

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
  handle: unknown;
}

/** Reads STAMPS_TIME_SCALE (a positive number; default 60). */
export function timeScaleFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['STAMPS_TIME_SCALE'];
  if (raw === undefined || raw.trim() === '') return 60;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`STAMPS_TIME_SCALE must be a positive number, got '${raw}'`);
  }
  return scale;
}

/**
 * Simulated time for local mode: it runs `scale` times faster than real time from `start`, and
 * `advance(ms)` jumps it forward (the `/sim/clock/advance` route), waking every sleeper that
 * became due. A sleeper waits `(at - now) / scale` real ms and then re-checks, because a
 * jump or timer imprecision can make the first wait too long or too short; it never fires early.
 *
 * @example
 * const clock = new ScaledClock({ scale: 60 }); // one simulated minute per real second
 * await clock.sleepUntil(new Date(clock.now().getTime() + 15 * 60_000)); // ~15 real seconds
 * await clock.advance(60 * 60_000); // jump an hour: due sleepers resolve now
 */
export class ScaledClock implements Clock {
  readonly scale: number;
  private readonly realTime: RealTime;
  private readonly realStart: number;
  private readonly simulatedStart: number;
  /** Simulated ms added by {@link advance}. */
  private offset = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(options: ScaledClockOptions = {}) {
    const scale = options.scale ?? 60;
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be > 0, got ${scale}`);
    this.scale = scale;
    this.realTime = options.realTime ?? nodeRealTime;
    this.realStart = this.realTime.now();
    this.simulatedStart = (options.start ?? new Date()).getTime();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        at: at.getTime(),
        handle: undefined,
        resolve: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.realTime.clearTimeout(sleeper.handle);
        this.sleepers.delete(sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      this.arm(sleeper);
    });
  }

  /** Jumps simulated time forward by `ms` and wakes every sleeper that became due. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.offset += ms;
    // Re-arm everyone: the due ones resolve at once, the others wait the shorter remainder.
    for (const sleeper of [...this.sleepers]) {
      this.realTime.clearTimeout(sleeper.handle);
      this.arm(sleeper);
    }
    return Promise.resolve();
  }

  /** How many sleepers are waiting. */
  pendingCount(): number {
    return this.sleepers.size;
  }

  /** The real ms a sleeper due at simulated `at` still has to wait (0 if due). */
  realDelayUntil(at: Date): number {
    return Math.max(0, Math.ceil((at.getTime() - this.nowMs()) / this.scale));
  }

  private nowMs(): number {
    return this.simulatedStart + (this.realTime.now() - this.realStart) * this.scale + this.offset;
  }

  private arm(sleeper: Sleeper): void {
    if (this.nowMs() >= sleeper.at) {
      sleeper.resolve();
      return;
    }
    // At least 1 ms: a rounding remainder must not spin on a 0 ms timer.
    const delay = Math.max(1, this.realDelayUntil(new Date(sleeper.at)));
    sleeper.handle = this.realTime.setTimeout(() => this.arm(sleeper), Math.min(delay, MAX_TIMEOUT_MS));
  }
}
