import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Timer } from '@azure/functions';

import { ScaledClock } from '../../shared/local/clock/scaledClock';
import type { RegisteredFunction } from '../../shared/local/host/functionRegistry';
import { TimerScheduler } from '../../shared/local/host/timerTriggers';
import { callsOf, probes } from './fixtures/probes';
import { hostSuite, START } from './harness';

const MINUTE = 60_000;

/** A registered timer function as the registry holds it, for the scheduler on its own. */
function timerFunction(name: string, schedule: string): RegisteredFunction {
  return { name, kind: 'timer', trigger: { schedule } } as unknown as RegisteredFunction;
}

describe('local host: timer functions on the clock', () => {
  const h = hostSuite();

  it('fires the NCRONTAB occurrences as the clock advances, never early', async () => {
    // The clock starts at 12:00:00; '0 */5 * * * *' fires at 12:05:00 first.
    await h().advance(5 * MINUTE - 1);
    assert.equal(callsOf('hostSweep').length, 0);
    await h().advance(1);
    const [first] = callsOf('hostSweep');
    const timer = first?.input as Timer;
    assert.equal(timer.isPastDue, false);
    assert.deepEqual(timer.schedule, { adjustForDST: true });
    assert.equal(timer.scheduleStatus.lastUpdated, '2025-03-01T12:05:00.000Z');
    assert.equal(timer.scheduleStatus.next, '2025-03-01T12:10:00.000Z');
    assert.equal(first?.triggerMetadata, undefined, 'timer triggers get no triggerMetadata from the library');
  });

  it('fires each occurrence at its own time when the clock jumps over several', async () => {
    await h().advance(30 * MINUTE); // 12:05 -> 12:35: 12:10 ... 12:35
    const timers = callsOf('hostSweep').map((c) => c.input as Timer);
    assert.deepEqual(
      timers.map((t) => t.scheduleStatus.lastUpdated.slice(11, 16)),
      ['12:10', '12:15', '12:20', '12:25', '12:30', '12:35'],
    );
    assert.ok(timers.every((t) => !t.isPastDue));
    assert.equal(timers[1]?.scheduleStatus.last, '2025-03-01T12:10:00.000Z');
  });

  it('logs a failing run and still fires the next occurrence (no retry)', async () => {
    probes.timerThrows = true;
    await h().advance(10 * MINUTE);
    assert.equal(callsOf('hostSweep').length, 2);
    assert.ok(h().logs.some((l) => l.level === 'error' && l.message.includes('fixture timer failure')));
  });
});

describe('TimerScheduler on a clock that wakes late', () => {
  it('marks a late run past due and skips the occurrences missed meanwhile', async () => {
    let realNow = 0;
    const timeouts: { at: number; callback: () => void }[] = [];
    const clock = new ScaledClock({
      scale: 60,
      start: START,
      realTime: {
        now: () => realNow,
        setTimeout: (callback, ms) => timeouts.push({ at: realNow + ms, callback }),
        clearTimeout: () => undefined,
      },
    });
    const runs: Timer[] = [];
    const scheduler = new TimerScheduler({
      clock,
      invoke: (_fn, timer) => {
        runs.push(timer);
        return Promise.resolve();
      },
      log: () => undefined,
    });
    const fn = timerFunction('sweep', '0 */5 * * * *');
    scheduler.start([fn]);
    realNow = 17; // nothing fired yet; the jump below makes the 12:05 sleeper wake at 12:17
    await clock.advance(17 * MINUTE);
    await scheduler.idle();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.isPastDue, true);
    assert.equal(runs[0]?.scheduleStatus.next, '2025-03-01T12:20:00.000Z');
    assert.equal(scheduler.nextOccurrenceOf('sweep', clock.now())?.toISOString(), '2025-03-01T12:20:00.000Z');
    await scheduler.stop();
    assert.equal(clock.pendingCount(), 0);
  });

  it('refuses an invalid schedule before arming anything', () => {
    const scheduler = new TimerScheduler({
      clock: new ScaledClock(),
      invoke: () => Promise.resolve(),
      log: () => undefined,
    });
    const fn = timerFunction('bad', '*/5 * * * *');
    assert.throws(() => scheduler.start([fn]), { name: 'InvalidCronExpressionError' });
  });
});
