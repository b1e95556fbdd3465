import { abortReason, type Clock } from '../../ports/clock';

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to. `advance` fires every due sleeper in order of its
 * due time (then of arming), setting `now()` to that due time before each one, so a test
 * jumps hours in microseconds and timers fire deterministically, never early.
 *
 * @example
 * const clock = new ManualClock(new Date('2025-01-01T00:00:00Z'));
 * await clock.advance(10 * 60_000); // fires everything due in the next ten minutes
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(start: Date = new Date('2025-01-01T00:00:00.000Z')) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const due = at.getTime();
      if (due <= this.current) {
        resolve();
        return;
      }
      const sleeper: Sleeper = { at: due, seq: this.seq++, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }

  /** How many sleepers are waiting (armed and neither fired nor aborted). */
  pendingCount(): number {
    return this.sleepers.length;
  }

  /** The earliest due time among waiting sleepers, if any. */
  nextDueAt(): Date | undefined {
    const next = this.sortedSleepers()[0];
    return next === undefined ? undefined : new Date(next.at);
  }

  /**
   * Moves time forward by `ms`, firing each due sleeper in order. Between two firings it lets
   * the event loop turn once, so that work started by one firing is queued before the next.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    await this.advanceTo(new Date(this.current + ms));
  }

  /** Moves time forward to `target` (never backwards), firing due sleepers in order. */
  async advanceTo(target: Date): Promise<void> {
    const end = target.getTime();
    if (end < this.current) throw new RangeError(`the clock cannot go back to ${target.toISOString()}`);
    for (;;) {
      const next = this.sortedSleepers()[0];
      if (next === undefined || next.at > end) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = next.at;
      next.resolve();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = end;
  }

  private sortedSleepers(): Sleeper[] {
    return [...this.sleepers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
