import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type RealTime, ScaledClock, timeScaleFromEnv } from '../../shared/local/clock/scaledClock';

/** Real time under the test's control: timers fire only when `elapse` passes them. */
class FakeRealTime implements RealTime {
  current = 1_000;
  private nextHandle = 1;
  readonly pending = new Map<number, { at: number; callback: () => void; ms: number }>();

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.current + ms, callback, ms });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves real time forward, firing due timers in order. */
  elapse(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.pending.delete(due[0]);
      this.current = due[1].at;
      due[1].callback();
    }
    this.current = end;
  }

  /** Fires the earliest timer that is due now, as one turn of Node's timers phase (microtasks run after it). */
  fireOne(): boolean {
    const due = [...this.pending.entries()]
      .filter(([, t]) => t.at <= this.current)
      .sort((a, b) => a[1].at - b[1].at)[0];
    if (due === undefined) return false;
    this.pending.delete(due[0]);
    due[1].callback();
    return true;
  }

  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
}

const START = new Date('2025-01-01T00:00:00.000Z');

describe('ScaledClock', () => {
  it('runs scale times faster than real time from its start', () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 60, start: START, realTime: real });
    assert.equal(clock.now().toISOString(), START.toISOString());
    real.elapse(1_000);
    assert.equal(clock.now().toISOString(), '2025-01-01T00:01:00.000Z');
    real.elapse(500);
    assert.equal(clock.now().toISOString(), '2025-01-01T00:01:30.000Z');
  });

  it('sleeps (at - now) / scale real ms, and resolves at once when due', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 60, start: START, realTime: real });
    let woke = false;
    const sleep = clock.sleepUntil(new Date(START.getTime() + 15 * 60_000)).then(() => {
      woke = true;
    });
    assert.deepEqual(real.delays(), [15_000]);
    real.elapse(14_999);
    await Promise.resolve();
    assert.equal(woke, false);
    real.elapse(1);
    await sleep;
    assert.equal(woke, true);
    await clock.sleepUntil(START); // in the past: resolves without a timer
    assert.equal(real.pending.size, 0);
  });

  it('re-checks after a timer that fired early and never resolves before the instant', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 60, start: START, realTime: real });
    let woke = false;
    void clock.sleepUntil(new Date(START.getTime() + 60_000)).then(() => {
      woke = true;
    });
    const [handle] = [...real.pending.keys()];
    const timer = real.pending.get(handle ?? -1);
    assert.ok(timer !== undefined);
    real.current += 500; // the timer fires half way, as an imprecise timer could
    real.pending.delete(handle ?? -1);
    timer.callback();
    await Promise.resolve();
    assert.equal(woke, false);
    assert.deepEqual(real.delays(), [500], 'waits the remainder');
    real.elapse(500);
    await Promise.resolve();
    assert.equal(woke, true);
  });

  it('advance jumps simulated time and wakes due sleepers, re-arming the others shorter', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 60, start: START, realTime: real });
    const woke: string[] = [];
    const soon = clock.sleepUntil(new Date(START.getTime() + 10 * 60_000)).then(() => woke.push('soon'));
    void clock.sleepUntil(new Date(START.getTime() + 90 * 60_000)).then(() => woke.push('late'));
    await clock.advance(60 * 60_000);
    await soon;
    assert.deepEqual(woke, ['soon']);
    assert.equal(clock.now().toISOString(), '2025-01-01T01:00:00.000Z');
    assert.deepEqual(real.delays(), [30_000], '30 simulated minutes left = 30 real seconds');
    assert.equal(clock.pendingCount(), 1);
  });

  it('rejects a sleep whose signal aborts, and clears its timer', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 60, start: START, realTime: real });
    const controller = new AbortController();
    const sleep = clock.sleepUntil(new Date(START.getTime() + 60_000), controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(sleep, { message: 'stop' });
    assert.equal(real.pending.size, 0);
    assert.equal(clock.pendingCount(), 0);
  });

  it('after a stall, fires due sleepers in due order, holding now() at each one while others wait (issue 11, defect 7)', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock({ scale: 600, start: START, realTime: real });
    const fired: string[] = [];
    const minutes = (at: number): number => (at - START.getTime()) / 60_000;
    // A registration timeout at +5 min, and a health poll every 30 s (from the time it ran) that is due first.
    const timeoutAt = START.getTime() + 5 * 60_000;
    void clock.sleepUntil(new Date(timeoutAt)).then(() => fired.push(`timeout@${minutes(timeoutAt)}`));
    const poll = (at: number): void => {
      void clock.sleepUntil(new Date(at)).then(() => {
        fired.push(`poll@${minutes(at)}`);
        if (fired.length < 12) poll(clock.now().getTime() + 30_000);
      });
    };
    poll(START.getTime() + 30_000);
    // The process stalls for one real second (ten simulated minutes) before any timer runs.
    real.current += 1_000;
    for (let turn = 0; turn < 50 && fired.length < 12; turn += 1) {
      real.fireOne();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Before the fix the first poll saw +10 min, scheduled the next at +10.5 and the timeout won.
    assert.deepEqual(fired, [
      'poll@0.5',
      'poll@1',
      'poll@1.5',
      'poll@2',
      'poll@2.5',
      'poll@3',
      'poll@3.5',
      'poll@4',
      'poll@4.5',
      'timeout@5',
      'poll@5',
    ]);
    // The last one due ran with nothing else waiting, so it saw real time: the next poll is at +10.5.
    assert.equal(clock.pendingCount(), 1);
    // Once what was due has fired, simulated time is real time again.
    assert.equal(clock.now().toISOString(), '2025-01-01T00:10:00.000Z');
  });

  it('reads STAMPS_TIME_SCALE', () => {
    assert.equal(timeScaleFromEnv({}), 60);
    assert.equal(timeScaleFromEnv({ STAMPS_TIME_SCALE: '600' }), 600);
    assert.throws(() => timeScaleFromEnv({ STAMPS_TIME_SCALE: '0' }), RangeError);
    assert.throws(() => timeScaleFromEnv({ STAMPS_TIME_SCALE: 'fast' }), RangeError);
  });

  it('waits in real time with the default timers (one short real wait)', async () => {
    const clock = new ScaledClock({ scale: 1_000 });
    const before = performance.now();
    await clock.sleepUntil(new Date(clock.now().getTime() + 20_000)); // 20 real ms
    assert.ok(performance.now() - before >= 19);
  });
});
