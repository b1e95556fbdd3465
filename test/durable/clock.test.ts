import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ManualClock } from '../../shared/local/clock/manualClock';
import { systemClock } from '../../shared/ports/clock';

describe('ManualClock', () => {
  it('fires due sleepers in due order, each at its own due time, and none early', async () => {
    const clock = new ManualClock(new Date('2025-01-01T00:00:00.000Z'));
    const fired: string[] = [];
    const sleep = (label: string, ms: number): void => {
      void clock.sleepUntil(new Date(clock.now().getTime() + ms)).then(() => {
        fired.push(`${label}@${clock.now().toISOString().slice(11, 19)}`);
      });
    };
    sleep('b', 2000);
    sleep('a', 1000);
    sleep('c', 5000);
    await clock.advance(1999);
    assert.deepEqual(fired, ['a@00:00:01']);
    await clock.advance(1);
    assert.deepEqual(fired, ['a@00:00:01', 'b@00:00:02']);
    assert.equal(clock.pendingCount(), 1);
    assert.equal(clock.nextDueAt()?.toISOString(), '2025-01-01T00:00:05.000Z');
    await clock.advance(10_000);
    assert.deepEqual(fired, ['a@00:00:01', 'b@00:00:02', 'c@00:00:05']);
    assert.equal(clock.now().toISOString(), '2025-01-01T00:00:12.000Z');
  });

  it('resolves at once for a past instant, rejects when aborted, and never goes back', async () => {
    const clock = new ManualClock(new Date('2025-01-01T00:00:00.000Z'));
    await clock.sleepUntil(new Date('2024-12-31T00:00:00.000Z'));
    const controller = new AbortController();
    const pending = clock.sleepUntil(new Date('2025-01-02T00:00:00.000Z'), controller.signal);
    controller.abort(new Error('cancelled'));
    await assert.rejects(pending, { message: 'cancelled' });
    assert.equal(clock.pendingCount(), 0);
    await assert.rejects(clock.advanceTo(new Date('2024-01-01T00:00:00.000Z')), RangeError);
    await assert.rejects(clock.advance(-1), RangeError);
  });
});

describe('systemClock', () => {
  it('resolves a sleep for a past instant and rejects an already aborted one', async () => {
    await systemClock.sleepUntil(new Date(Date.now() - 1000));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(systemClock.sleepUntil(new Date(Date.now() + 60_000), controller.signal));
    const later = new AbortController();
    const pending = systemClock.sleepUntil(new Date(Date.now() + 60_000), later.signal);
    later.abort(new Error('stop'));
    await assert.rejects(pending, { message: 'stop' });
  });
});
