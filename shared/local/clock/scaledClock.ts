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
 * became due. It never fires a sleeper early, and it fires due sleepers one at a time in due-time
 * order, each in its own macrotask, with `now()` held at the due time of the earliest sleeper not
 * yet fired. So when the process stalls (at 600×, one busy real second is ten simulated minutes),
 * effects are delayed but never reordered: a poll due before a timeout still runs first, sees the
 * time it was due at, and whatever it schedules next is fired before the later timeout.
 *
 * @example
 * const clock = new ScaledClock({ scale: 60 }); // one simulated minute per real second
 * await clock.sleepUntil(new Date(clock.now().getTime() + 15 * 60_000)); // ~15 real seconds
 * await clock.advance(60 * 60_000); // jump an hour: due sleepers resolve now, in order
 */
export class ScaledClock implements Clock {
  readonly scale: number;
  private readonly realTime: RealTime;
  private readonly realStart: number;
  private readonly simulatedStart: number;
  /** Simulated ms added by {@link advance}. */
  private offset = 0;
  /** The latest instant `now()` returned: simulated time never goes back. */
  private lastNow: number;
  private readonly sleepers = new Set<Sleeper>();
  /** The one real timer: for the earliest sleeper, or 0 ms for the next due one. */
  private timer: unknown;
  /** While due sleepers wait their turn: the instant of the one fired last, which `now()` holds. */
  private heldAt: number | undefined;

  constructor(options: ScaledClockOptions = {}) {
    const scale = options.scale ?? 60;
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be > 0, got ${scale}`);
    this.scale = scale;
    this.realTime = options.realTime ?? nodeRealTime;
    this.realStart = this.realTime.now();
    this.simulatedStart = (options.start ?? new Date()).getTime();
    this.lastNow = this.simulatedStart;
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
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers.delete(sleeper);
        this.rearm();
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      this.pump();
    });
  }

  /** Jumps simulated time forward by `ms` and wakes every sleeper that became due, in due order. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.offset += ms;
    this.pump();
    return Promise.resolve();
  }

  /** How many sleepers are waiting. */
  pendingCount(): number {
    return this.sleepers.size;
  }

  /** The real ms a sleeper due at simulated `at` still has to wait (0 if due). */
  realDelayUntil(at: Date): number {
    return Math.max(0, Math.ceil((at.getTime() - this.unheldMs()) / this.scale));
  }

  /** Simulated time as real time alone says, before holding it at a due sleeper. */
  private unheldMs(): number {
    return this.simulatedStart + (this.realTime.now() - this.realStart) * this.scale + this.offset;
  }

  private nowMs(): number {
    const unheld = this.unheldMs();
    const earliest = this.earliest()?.at ?? Number.POSITIVE_INFINITY;
    const held = Math.min(unheld, earliest, this.heldAt ?? Number.POSITIVE_INFINITY);
    if (held > this.lastNow) this.lastNow = held;
    return this.lastNow;
  }

  private earliest(): Sleeper | undefined {
    let first: Sleeper | undefined;
    for (const sleeper of this.sleepers) if (first === undefined || sleeper.at < first.at) first = sleeper;
    return first;
  }

  /** Fires the earliest sleeper if it is due, then arms the one timer for what comes next. */
  private pump(): void {
    const next = this.earliest();
    if (next !== undefined && this.unheldMs() >= next.at) {
      this.heldAt = undefined;
      this.nowMs(); // now() reaches the sleeper's instant before it wakes
      this.sleepers.delete(next);
      // Hold now() at this instant while others are due, so that what it schedules is ordered by it.
      const following = this.earliest();
      this.heldAt = following !== undefined && this.unheldMs() >= following.at ? next.at : undefined;
      next.resolve();
    } else {
      this.heldAt = undefined;
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.timer !== undefined) this.realTime.clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.earliest();
    if (next === undefined) return;
    // A due sleeper waits for the next macrotask, so that the one woken before it runs (and
    // schedules what it schedules) first. Otherwise at least 1 ms: a rounding remainder must not
    // spin on a 0 ms timer.
    const delay = this.unheldMs() >= next.at ? 0 : Math.max(1, this.realDelayUntil(new Date(next.at)));
    this.timer = this.realTime.setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.min(delay, MAX_TIMEOUT_MS),
    );
  }
}
