import type { Timer } from '@azure/functions';

import type { Clock } from '../../ports/clock';
import { type CronSchedule, nextOccurrence, parseNcrontab } from '../cron/ncrontab';
import { IdleWaiters } from '../idleWaiters';
import type { RegisteredFunction } from './functionRegistry';
import { describeError, type HostLog } from './hostLog';

/** Invokes a timer function with its `Timer` argument (the host passes `runtime.invoke`). */
export type TimerInvoker = (fn: RegisteredFunction, timer: Timer) => Promise<unknown>;

export interface TimerSchedulerOptions {
  readonly clock: Clock;
  readonly invoke: TimerInvoker;
  readonly log: HostLog;
  /**
   * How late (simulated ms) an invocation may start before `isPastDue` is set. A scaled clock
   * wakes a little late (timer granularity times the scale), which is not a missed occurrence.
   */
  readonly pastDueToleranceMs?: number;
}

interface ScheduledTimer {
  readonly fn: RegisteredFunction;
  readonly schedule: CronSchedule;
  /** The invocation in progress; occurrences never overlap (as on Azure). */
  running: Promise<void>;
  last: Date | undefined;
}

/**
 * Runs every `app.timer` function on the clock from its NCRONTAB schedule. Each occurrence is
 * armed as soon as the previous one fires, so a manual clock advanced over several occurrences
 * fires each of them at its exact time, never early. A run that starts later than the
 * tolerance (the process was busy, the clock jumped) gets `isPastDue: true`, and occurrences
 * missed meanwhile are skipped, as the Functions host does. A failed run is not retried.
 * src: docs/azure.md §5.
 */
export class TimerScheduler {
  /** One controller per armed sleep: a shared signal would collect a listener per occurrence. */
  private readonly sleeps = new Set<AbortController>();
  private stopped = false;
  private readonly timers: ScheduledTimer[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly idleWaiters = new IdleWaiters(() => this.isIdle);
  private fired = 0;

  constructor(private readonly options: TimerSchedulerOptions) {}

  /** Parses every schedule first (an invalid one throws before anything is armed), then arms them. */
  start(functions: readonly RegisteredFunction[]): void {
    const parsed = functions.map((fn) => {
      const schedule = fn.trigger['schedule'];
      return { fn, schedule: parseNcrontab(typeof schedule === 'string' ? schedule : '') };
    });
    for (const { fn, schedule } of parsed) {
      const timer: ScheduledTimer = { fn, schedule, running: Promise.resolve(), last: undefined };
      this.timers.push(timer);
      const now = this.options.clock.now();
      if (fn.trigger['runOnStartup'] === true) this.fire(timer, now);
      this.arm(timer, now);
      this.options.log(
        'info',
        `timer: ${fn.name} '${schedule.expression}', next ${this.nextOf(timer, now)?.toISOString() ?? 'never'}`,
      );
    }
  }

  /** Disarms every timer and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const controller of this.sleeps) controller.abort();
    this.sleeps.clear();
    await Promise.allSettled([...this.inflight]);
  }

  /** How many occurrences have fired (the host's idle loop watches it). */
  get firedCount(): number {
    return this.fired;
  }

  get isIdle(): boolean {
    return this.inflight.size === 0;
  }

  idle(): Promise<void> {
    return this.idleWaiters.wait();
  }

  /** The next occurrence of a registered timer after `after`, for logs and tools. */
  nextOccurrenceOf(name: string, after: Date): Date | undefined {
    const timer = this.timers.find((t) => t.fn.name.toLowerCase() === name.toLowerCase());
    return timer === undefined ? undefined : this.nextOf(timer, after);
  }

  private nextOf(timer: ScheduledTimer, after: Date): Date | undefined {
    return nextOccurrence(timer.schedule, after);
  }

  private arm(timer: ScheduledTimer, after: Date): void {
    if (this.stopped) return;
    const due = this.nextOf(timer, after);
    if (due === undefined) {
      this.options.log('warn', `timer: ${timer.fn.name} '${timer.schedule.expression}' never fires again`);
      return;
    }
    const controller = new AbortController();
    this.sleeps.add(controller);
    this.options.clock.sleepUntil(due, controller.signal).then(
      () => {
        this.sleeps.delete(controller);
        const now = this.options.clock.now();
        const late = now.getTime() - due.getTime() > (this.options.pastDueToleranceMs ?? 5_000);
        // Late: skip the occurrences missed meanwhile; on time: the very next one.
        this.arm(timer, late ? now : due);
        this.fire(timer, due);
      },
      () => this.sleeps.delete(controller), // stopped
    );
  }

  private fire(timer: ScheduledTimer, due: Date): void {
    this.fired++;
    const previous = timer.running;
    const run = (async (): Promise<void> => {
      await previous; // one run at a time per timer
      const now = this.options.clock.now();
      const next = this.nextOf(timer, now) ?? now;
      const argument: Timer = {
        isPastDue: now.getTime() - due.getTime() > (this.options.pastDueToleranceMs ?? 5_000),
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: (timer.last ?? due).toISOString(),
          next: next.toISOString(),
          lastUpdated: now.toISOString(),
        },
      };
      timer.last = due;
      try {
        await this.options.invoke(timer.fn, argument);
      } catch (error) {
        this.options.log(
          'error',
          `timer: ${timer.fn.name} failed (not retried; next run ${next.toISOString()}): ${describeError(error)}`,
        );
      }
    })();
    timer.running = run;
    this.inflight.add(run);
    void run.finally(() => {
      this.inflight.delete(run);
      this.idleWaiters.check();
    });
  }
}
