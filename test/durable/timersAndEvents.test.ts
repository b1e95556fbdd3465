import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { callsOf, gate } from './fixtures/probes';
import { isFinished, runtimePerTest, runToEnd, START } from './harness';
import { EventType, historyOf, ofType } from './support';

const MINUTE = 60_000;

describe('local durable runtime: timers', () => {
  const h = runtimePerTest();

  it('fires a durable timer exactly at its due time, never a millisecond early', async () => {
    const id = await h().runtime.startNew('timerThenActivity', { instanceId: 'timer-1' });
    await h().runtime.idle();
    let history = await historyOf(h().runtime, id);
    const created = ofType(history, EventType.TimerCreated);
    assert.deepEqual(
      created.map((e) => [e.EventId, e.FireAt]),
      [[0, new Date(START.getTime() + 10 * MINUTE).toISOString()]],
    );

    await h().clock.advance(10 * MINUTE - 1);
    await h().runtime.idle();
    history = await historyOf(h().runtime, id);
    assert.equal(ofType(history, EventType.TimerFired).length, 0);
    assert.equal(callsOf('double'), 0);
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');

    await h().clock.advance(1);
    await h().runtime.idle();
    const status = await h().runtime.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    // currentUtcDateTime after the timer is the episode's time: exactly the due time here.
    assert.deepEqual(status?.output, { value: 42, firedAt: '2025-03-01T12:10:00.000Z' });
    history = await historyOf(h().runtime, id);
    const fired = ofType(history, EventType.TimerFired);
    assert.deepEqual(
      fired.map((e) => [e.TimerId, e.FireAt, e.Timestamp]),
      [[0, '2025-03-01T12:10:00.000Z', '2025-03-01T12:10:00.000Z']],
    );
    assert.deepEqual(
      ofType(history, EventType.TaskScheduled).map((e) => e.EventId),
      [1],
    );
    assert.equal(callsOf('double'), 1);
  });
});

describe('local durable runtime: external events', () => {
  const h = runtimePerTest();

  it('delivers a raised event to the waiting orchestration', async () => {
    const id = await h().runtime.startNew('waitEvent', { instanceId: 'event-1' });
    await h().runtime.idle();
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
    await h().runtime.raiseEvent(id, 'approve', { by: 'sre' });
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.runtimeStatus, 'Completed');
    assert.deepEqual(status.output, { approved: { by: 'sre' } });
    const raised = ofType(await historyOf(h().runtime, id), EventType.EventRaised);
    assert.deepEqual(
      raised.map((e) => [e.Name, e.Input]),
      [['approve', '{"by":"sre"}']],
    );
  });

  it('buffers an event raised before the orchestration waits for it', async () => {
    const id = await h().runtime.startNew('restartable', { instanceId: 'buffer-1', input: 3 });
    await h().runtime.idle();
    await h().clock.advance(5 * MINUTE);
    await h().runtime.idle({ activities: false });
    // The orchestration is inside the gated activity: nobody waits for 'bonus' yet.
    assert.equal(callsOf('gated'), 1);
    await h().runtime.raiseEvent(id, 'bonus', 'early');
    await h().runtime.idle({ activities: false });
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
    gate(`${id}:gate`).open(undefined);
    await h().runtime.idle();
    const status = await h().runtime.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.deepEqual(status?.output, { a: 6, b: 7, c: 14, bonus: 'early' });
  });

  it('refuses an event for an instance that does not exist or has finished, naming it', async () => {
    await assert.rejects(h().runtime.raiseEvent('nobody', 'approve'), {
      name: 'InstanceNotFoundError',
      code: 'InstanceNotFound',
      instanceId: 'nobody',
    });
    const id = await h().runtime.startNew('sequence', { instanceId: 'done-1', input: 1 });
    await h().runtime.waitForStatus(id, isFinished);
    await assert.rejects(h().runtime.raiseEvent(id, 'late'), {
      name: 'InstanceNotRunningError',
      code: 'InstanceNotRunning',
      instanceId: 'done-1',
    });
  });
});

describe('local durable runtime: Task.all and Task.any', () => {
  const h = runtimePerTest();

  it('fans out with Task.all: ids 0..n-1 in yield order, each activity once', async () => {
    const { id, status } = await runToEnd(h(), 'fanOut', { instanceId: 'fan-1', input: 5 });
    assert.deepEqual(status.output, [0, 2, 4, 6, 8]);
    assert.equal(callsOf('double'), 5);
    const history = await historyOf(h().runtime, id);
    assert.deepEqual(
      ofType(history, EventType.TaskScheduled).map((e) => [e.EventId, e.Input]),
      [
        [0, '0'],
        [1, '1'],
        [2, '2'],
        [3, '3'],
        [4, '4'],
      ],
    );
    assert.deepEqual(
      ofType(history, EventType.TaskCompleted)
        .map((e) => e.TaskScheduledId)
        .sort(),
      [0, 1, 2, 3, 4],
    );
  });

  it('Task.any: the event wins, the cancelled timer never fires', async () => {
    const id = await h().runtime.startNew('raceEventTimer', { instanceId: 'race-1' });
    await h().runtime.idle();
    assert.equal(h().clock.pendingCount(), 1);
    await h().runtime.raiseEvent(id, 'go', 7);
    await h().runtime.idle();
    assert.equal(h().clock.pendingCount(), 0);
    await h().clock.advance(120 * MINUTE);
    await h().runtime.idle();
    const status = await h().runtime.getStatus(id);
    assert.deepEqual(status?.output, { winner: 'event', payload: 7 });
    const history = await historyOf(h().runtime, id);
    assert.equal(ofType(history, EventType.TimerFired).length, 0);
  });

  it('Task.any: the timer wins after exactly one hour', async () => {
    const id = await h().runtime.startNew('raceEventTimer', { instanceId: 'race-2' });
    await h().runtime.idle();
    await h().clock.advance(60 * MINUTE - 1);
    await h().runtime.idle();
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
    await h().clock.advance(1);
    await h().runtime.idle();
    assert.deepEqual((await h().runtime.getStatus(id))?.output, { winner: 'timeout' });
  });

  it('Task.any: a losing activity that completes later is recorded and ignored', async () => {
    const id = await h().runtime.startNew('raceActivityTimer', { instanceId: 'loser-1' });
    await h().runtime.idle({ activities: false });
    await h().clock.advance(5 * MINUTE);
    await h().runtime.idle({ activities: false });
    // The timer won; now the loser completes while the orchestration waits for 'finish'.
    gate(`${id}:slow`).open(undefined);
    await h().runtime.idle();
    let history = await historyOf(h().runtime, id);
    assert.deepEqual(
      ofType(history, EventType.TaskCompleted).map((e) => [e.TaskScheduledId, e.Result]),
      [[0, '"slow"']],
    );
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
    await h().runtime.raiseEvent(id, 'finish');
    await h().runtime.idle();
    const status = await h().runtime.getStatus(id);
    assert.deepEqual(status?.output, { winner: 'timeout', after: 100 });
    assert.equal(callsOf('gated'), 1);
    assert.equal(callsOf('double'), 1);
    history = await historyOf(h().runtime, id);
    // slow = 0, timer = 1, double = 2
    assert.deepEqual(
      ofType(history, EventType.TaskScheduled).map((e) => [e.EventId, e.Name]),
      [
        [0, 'gated'],
        [2, 'double'],
      ],
    );
    assert.deepEqual(
      ofType(history, EventType.TimerCreated).map((e) => e.EventId),
      [1],
    );
  });
});
