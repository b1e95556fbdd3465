import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LocalServiceBus } from '../../shared/local/bus/localServiceBus';
import type { ReceivedMessage } from '../../shared/local/bus/messages';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { type DrainTimerMessage, lifecycleMessageId } from '../../shared/ports/lifecycleBus';
import { callsOf, newGate, probes } from './fixtures/probes';
import { hostSuite, START, startOrchestration } from './harness';

/** A bus on a manual clock with a recording receiver whose behaviour each test sets. */
function setup(options: { sessions?: boolean } = {}) {
  const clock = new ManualClock(START);
  const queueName = options.sessions === true ? 'sessions-queue' : 'work-queue';
  const bus = new LocalServiceBus({
    clock,
    queues: { [queueName]: { requiresSession: options.sessions ?? false } },
  });
  const received: ReceivedMessage[] = [];
  let behaviour: (m: ReceivedMessage) => Promise<void> = () => Promise.resolve();
  bus.subscribe(
    queueName,
    (m) => {
      received.push(m);
      return behaviour(m);
    },
    { sessions: options.sessions ?? false },
  );
  return {
    clock,
    bus,
    queueName,
    received,
    setBehaviour: (b: (m: ReceivedMessage) => Promise<void>) => {
      behaviour = b;
    },
  };
}

describe('local Service Bus queue', () => {
  it('locks a message while its handler runs and completes it when the handler resolves', async () => {
    const { bus, queueName, received, setBehaviour } = setup();
    const gate = newGate();
    setBehaviour(() => gate.opened);
    await bus.sendMessage(queueName, { body: { n: 1 }, messageId: 'm1' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(received.length, 1);
    assert.deepEqual(
      bus.messages(queueName).map((m) => [m.messageId, m.state, m.deliveryCount]),
      [['m1', 'locked', 1]],
    );
    gate.open();
    await bus.idle();
    assert.deepEqual(bus.messages(queueName), []);
    assert.deepEqual(received[0]?.body, { n: 1 });
  });

  it('redelivers at once when the handler throws, with deliveryCount + 1', async () => {
    const { bus, queueName, received, setBehaviour } = setup();
    setBehaviour((m) =>
      m.message.deliveryCount < 3 ? Promise.reject(new Error('transient')) : Promise.resolve(),
    );
    await bus.sendMessage(queueName, { body: 'plain text', messageId: 'm2' });
    await bus.idle();
    assert.deepEqual(
      received.map((m) => m.triggerMetadata['deliveryCount']),
      [1, 2, 3],
    );
    assert.equal(received[0]?.body, 'plain text');
    assert.deepEqual(bus.messages(queueName), []);
    assert.deepEqual(bus.deadLetters(queueName), []);
  });

  it('dead-letters after 10 deliveries with MaxDeliveryCountExceeded', async () => {
    const { bus, queueName, received, setBehaviour } = setup();
    setBehaviour(() => Promise.reject(new Error('poison')));
    await bus.sendMessage(queueName, { body: { poison: true }, messageId: 'p1' });
    await bus.idle();
    assert.equal(received.length, 10);
    assert.deepEqual(bus.messages(queueName), []);
    const [dead] = bus.deadLetters(queueName);
    assert.equal(dead?.messageId, 'p1');
    assert.equal(dead?.deliveryCount, 10);
    assert.equal(dead?.deadLetterReason, 'MaxDeliveryCountExceeded');
    assert.match(dead?.lastError ?? '', /poison/);
    assert.equal(dead?.body, '{"poison":true}');
  });

  it('delivers a scheduled message at its time, never early', async () => {
    const { bus, clock, queueName, received } = setup();
    const due = new Date(START.getTime() + 10 * 60_000);
    const sequenceNumber = await bus.scheduleMessage(queueName, { body: { t: 1 } }, due);
    assert.match(sequenceNumber, /^\d+$/);
    assert.equal(bus.messages(queueName)[0]?.state, 'scheduled');
    await clock.advance(10 * 60_000 - 1);
    await bus.idle();
    assert.equal(received.length, 0);
    await clock.advance(1);
    await bus.idle();
    assert.equal(received.length, 1);
    assert.equal(received[0]?.triggerMetadata['enqueuedTimeUtc'], due.toISOString());
  });

  it('cancels a scheduled message; cancelling an unknown or delivered one is no error', async () => {
    const { bus, clock, queueName, received } = setup();
    const seq = await bus.scheduleMessage(queueName, { body: 1 }, new Date(START.getTime() + 60_000));
    await bus.cancelScheduledMessage(queueName, seq);
    await bus.cancelScheduledMessage(queueName, seq);
    await bus.cancelScheduledMessage(queueName, '999');
    await clock.advance(5 * 60_000);
    await bus.idle();
    assert.equal(received.length, 0);
    assert.deepEqual(bus.messages(queueName), []);
  });

  it('keeps FIFO per session, one message of a session in flight, sessions in parallel', async () => {
    const { bus, queueName, received, setBehaviour } = setup({ sessions: true });
    const gate = newGate();
    const failedOnce = new Set<string>();
    setBehaviour(async (m) => {
      const body = m.body as { id: string };
      if (body.id === 'a1') await gate.opened;
      // a2 fails once: its redelivery must still come before a3.
      if (body.id === 'a2' && !failedOnce.has('a2')) {
        failedOnce.add('a2');
        throw new Error('once');
      }
    });
    for (const [id, sessionId] of [
      ['a1', 'A'],
      ['a2', 'A'],
      ['b1', 'B'],
      ['a3', 'A'],
      ['b2', 'B'],
    ] as const) {
      await bus.sendMessage(queueName, { body: { id }, sessionId, messageId: id });
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const ids = (): string[] => received.map((m) => (m.body as { id: string }).id);
    assert.deepEqual(ids(), ['a1', 'b1', 'b2'], 'session B proceeds while a1 holds session A');
    gate.open();
    await bus.idle();
    assert.deepEqual(
      ids().filter((id) => id.startsWith('a')),
      ['a1', 'a2', 'a2', 'a3'],
    );
    assert.equal(
      received.find((m) => (m.body as { id: string }).id === 'b1')?.triggerMetadata['sessionId'],
      'B',
    );
  });

  it('refuses a message without sessionId on a session queue, and a mismatched receiver', async () => {
    const { bus, queueName } = setup({ sessions: true });
    await assert.rejects(bus.sendMessage(queueName, { body: 1 }), { name: 'SessionIdRequiredError' });
    assert.throws(() => bus.subscribe(queueName, () => Promise.resolve()), {
      name: 'SessionModeMismatchError',
    });
  });

  it('drops a duplicate messageId within 10 minutes and accepts it after', async () => {
    const { bus, clock, queueName, received } = setup();
    await bus.sendMessage(queueName, { body: 1, messageId: 'dup' });
    await bus.sendMessage(queueName, { body: 2, messageId: 'dup' });
    await bus.idle();
    assert.deepEqual(
      received.map((m) => m.body),
      [1],
    );
    await clock.advance(10 * 60_000 - 1);
    await bus.sendMessage(queueName, { body: 3, messageId: 'dup' });
    await bus.idle();
    assert.equal(received.length, 1, 'still inside the window');
    await clock.advance(1);
    await bus.sendMessage(queueName, { body: 4, messageId: 'dup' });
    await bus.idle();
    assert.deepEqual(
      received.map((m) => m.body),
      [1, 4],
    );
  });

  it('schedules the drain timer once: a duplicate returns the same sequence number', async () => {
    const clock = new ManualClock(START);
    const bus = new LocalServiceBus({ clock });
    const timer: DrainTimerMessage = {
      kind: 'drain-timer',
      stampId: 'stamp-001',
      drainId: 'd1',
      dueAt: new Date(START.getTime() + 60_000).toISOString(),
    };
    const first = await bus.scheduleDrainTimer(timer);
    const second = await bus.scheduleDrainTimer(timer);
    assert.equal(second.sequenceNumber, first.sequenceNumber);
    assert.equal(bus.messages('stamp-lifecycle').length, 1);
    await bus.cancelScheduled(first.sequenceNumber);
    assert.equal(bus.messages('stamp-lifecycle').length, 0);
    await bus.close();
    await assert.rejects(bus.send(timer), { name: 'BusClosedError' });
  });
});

describe('local host: Service Bus trigger functions', () => {
  const h = hostSuite();

  it('gives the handler the parsed message and Azure-like triggerMetadata', async () => {
    const command = {
      kind: 'command',
      stampId: 'stamp-007',
      commandId: 'c1',
      command: 'drain',
      actor: 'ops',
      reason: 'test',
    } as const;
    await h().bus.send(command);
    await h().settle();
    const [call] = callsOf('hostLifecycleReceiver');
    assert.deepEqual(call?.input, command);
    const metadata = call?.triggerMetadata ?? {};
    assert.equal(metadata['messageId'], lifecycleMessageId(command));
    assert.equal(metadata['deliveryCount'], 1);
    assert.equal(metadata['enqueuedTimeUtc'], START.toISOString());
    assert.equal(typeof metadata['sequenceNumber'], 'number');
    assert.equal(metadata['sessionId'], 'stamp-007');
    assert.equal(metadata['contentType'], 'application/json');
    assert.deepEqual(metadata['applicationProperties'], {});
    assert.equal((metadata['sys'] as { methodName: string }).methodName, 'hostLifecycleReceiver');
  });

  it('delivers the scheduled drain timer to the function at dueAt, never early', async () => {
    const dueAt = new Date(h().clock.now().getTime() + 30 * 60_000);
    await h().bus.scheduleDrainTimer({
      kind: 'drain-timer',
      stampId: 'stamp-008',
      drainId: 'd1',
      dueAt: dueAt.toISOString(),
    });
    await h().advance(30 * 60_000 - 1_000);
    assert.equal(callsOf('hostLifecycleReceiver').length, 0);
    await h().advance(1_000);
    const [call] = callsOf('hostLifecycleReceiver');
    assert.equal((call?.input as { drainId: string }).drainId, 'd1');
    assert.equal(call?.triggerMetadata?.['enqueuedTimeUtc'], dueAt.toISOString());
  });

  it('raises an event through df.getClient in the handler', async () => {
    const started = await startOrchestration(h(), { id: 'sb-orch', value: 10 });
    assert.equal(started.status, 202);
    await h().settle();
    await h().bus.sendMessage('plain-queue', {
      body: { tag: 'raise', raise: { instanceId: 'sb-orch', event: 'add', data: 1 } },
    });
    await h().settle();
    const status = await h().runtime.getStatus('sb-orch');
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.equal(status?.output, 21);
  });

  it('redelivers a message whose function throws and dead-letters it after 10 deliveries', async () => {
    probes.failUntilDelivery.set('flaky', 2);
    probes.failUntilDelivery.set('poison', 100);
    await h().bus.sendMessage('plain-queue', { body: { tag: 'flaky' } });
    await h().bus.sendMessage('plain-queue', { body: { tag: 'poison' }, messageId: 'poison-1' });
    await h().settle();
    const deliveries = (tag: string): unknown[] =>
      callsOf('hostPlainReceiver')
        .filter((c) => (c.input as { tag: string }).tag === tag)
        .map((c) => c.triggerMetadata?.['deliveryCount']);
    assert.deepEqual(deliveries('flaky'), [1, 2, 3]);
    assert.equal(deliveries('poison').length, 10);
    const dead = h()
      .bus.deadLetters('plain-queue')
      .find((d) => d.messageId === 'poison-1');
    assert.equal(dead?.deadLetterReason, 'MaxDeliveryCountExceeded');
    assert.ok(h().logs.some((l) => l.level === 'error' && l.message.includes('dead-lettered')));
  });
});
