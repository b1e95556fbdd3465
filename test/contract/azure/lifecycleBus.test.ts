import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServiceBusError, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import Long from 'long';

import { createAzureAdapters, type LifecycleSender } from '../../../shared/azure';
import { createLifecycleSender } from '../../../shared/azure/clients';
import { TerminalError, TransientError, ValidationError } from '../../../shared/errors';
import type {
  DrainTimerMessage,
  LifecycleBus,
  OperatorCommandMessage,
} from '../../../shared/ports/lifecycleBus';
import { azureConfig, StaticTokenCredential } from './support/fixtures';

/**
 * A fake behind the `LifecycleSender` seam (the SDK's own sender needs an AMQP broker, which is
 * not available here): it records exactly what the adapter hands to the SDK, typed by the SDK.
 */
class RecordingSender implements LifecycleSender {
  readonly scheduled: { messages: unknown; at: Date }[] = [];
  readonly canceled: unknown[] = [];
  readonly sent: unknown[] = [];
  nextSequenceNumber = Long.fromString('9007199254740993'); // 2^53 + 1: a JS number would round it
  failWith: Error | undefined = undefined;

  scheduleMessages: ServiceBusSender['scheduleMessages'] = (messages, at) => {
    this.scheduled.push({ messages, at });
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve([this.nextSequenceNumber]);
  };

  cancelScheduledMessages: ServiceBusSender['cancelScheduledMessages'] = (sequenceNumbers) => {
    this.canceled.push(sequenceNumbers);
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve();
  };

  sendMessages: ServiceBusSender['sendMessages'] = (messages) => {
    this.sent.push(messages);
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve();
  };
}

function busWith(sender: RecordingSender): LifecycleBus {
  return createAzureAdapters(azureConfig(), {
    credential: new StaticTokenCredential(),
    lifecycleSender: () => Promise.resolve(sender),
  }).lifecycleBus;
}

const TIMER: DrainTimerMessage = {
  kind: 'drain-timer',
  stampId: 'weu-001',
  drainId: 'drain-7',
  dueAt: '2030-01-01T10:30:00.000Z',
};

const COMMAND: OperatorCommandMessage = {
  kind: 'command',
  stampId: 'weu-002',
  commandId: 'cmd-42',
  command: 'drain',
  actor: 'sre@example.com',
  reason: 'kernel patch',
  drainMinutes: 45,
};

void describe('ServiceBusLifecycleBus (messages handed to @azure/service-bus)', () => {
  void it('schedules the drain timer: session = stamp, deterministic id, JSON body, at dueAt', async () => {
    const sender = new RecordingSender();
    const result = await busWith(sender).scheduleDrainTimer(TIMER);
    const expected: ServiceBusMessage = {
      body: TIMER,
      contentType: 'application/json',
      sessionId: 'weu-001',
      messageId: 'weu-001:drain-timer:drain-7',
      subject: 'drain-timer',
    };
    assert.deepEqual(sender.scheduled, [{ messages: expected, at: new Date('2030-01-01T10:30:00.000Z') }]);
    assert.deepEqual(result, { sequenceNumber: '9007199254740993' });
  });

  void it('the same timer scheduled twice carries the same messageId (duplicate detection drops the second)', async () => {
    const sender = new RecordingSender();
    const bus = busWith(sender);
    await bus.scheduleDrainTimer(TIMER);
    await bus.scheduleDrainTimer(TIMER);
    const ids = sender.scheduled.map((s) => (s.messages as ServiceBusMessage).messageId);
    assert.deepEqual(ids, ['weu-001:drain-timer:drain-7', 'weu-001:drain-timer:drain-7']);
  });

  void it('cancels by the sequence number string turned back into the same Long', async () => {
    const sender = new RecordingSender();
    await busWith(sender).cancelScheduled('9007199254740993');
    const [passed] = sender.canceled;
    assert.ok(Long.isLong(passed));
    assert.equal(passed.toString(), '9007199254740993');
    assert.ok(passed.equals(Long.fromString('9007199254740993')));
  });

  void it('cancelling a message already delivered or unknown (MessageNotFound) is not an error', async () => {
    const sender = new RecordingSender();
    sender.failWith = new ServiceBusError('The message was not found', 'MessageNotFound');
    await busWith(sender).cancelScheduled('17');
    assert.equal(sender.canceled.length, 1);
  });

  void it('sends an operator command as a plain message with sessionId and messageId', async () => {
    const sender = new RecordingSender();
    await busWith(sender).send(COMMAND);
    assert.deepEqual(sender.sent, [
      {
        body: COMMAND,
        contentType: 'application/json',
        sessionId: 'weu-002',
        messageId: 'weu-002:command:cmd-42',
        subject: 'command',
      },
    ]);
  });

  void it('maps Service Bus failures: busy → TransientError, entity missing → TerminalError', async () => {
    const sender = new RecordingSender();
    const bus = busWith(sender);
    sender.failWith = new ServiceBusError('The server is busy', 'ServiceBusy');
    await assert.rejects(bus.send(COMMAND), (error: unknown) => {
      assert.ok(error instanceof TransientError);
      assert.equal(error.code, 'ServiceBusy');
      assert.ok(error.cause instanceof ServiceBusError);
      return true;
    });
    sender.failWith = new ServiceBusError('The queue does not exist', 'MessagingEntityNotFound');
    await assert.rejects(bus.scheduleDrainTimer(TIMER), TerminalError);
    await assert.rejects(bus.cancelScheduled('18'), TerminalError);
  });

  void it('refuses a bad dueAt or sequence number before calling the SDK', async () => {
    const sender = new RecordingSender();
    const bus = busWith(sender);
    await assert.rejects(bus.scheduleDrainTimer({ ...TIMER, dueAt: 'soon' }), ValidationError);
    await assert.rejects(bus.cancelScheduled('12a'), ValidationError);
    await assert.rejects(bus.cancelScheduled(''), ValidationError);
    assert.deepEqual([sender.scheduled, sender.canceled], [[], []]);
  });

  void it('the real client builds a sender on the namespace without connecting', async () => {
    const sender = await createLifecycleSender(
      'synaxis-cp.servicebus.windows.net',
      'stamp-lifecycle',
      new StaticTokenCredential(),
    );
    const real = sender as ServiceBusSender;
    assert.equal(real.entityPath, 'stamp-lifecycle');
    assert.equal(real.isClosed, false);
    await real.close();
  });
});
