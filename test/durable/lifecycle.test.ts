import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { callsOf, switches } from './fixtures/probes';
import { isFinished, runtimePerTest, runToEnd, START } from './harness';
import { EventType, historyOf, ofType } from './support';

const MINUTE = 60_000;

function at(ms: number): string {
  return new Date(START.getTime() + ms).toISOString();
}

describe('local durable runtime: callActivityWithRetry', () => {
  const h = runtimePerTest();

  it('retries after the first interval, then with backoff, and stops at the first success', async () => {
    const id = await h().runtime.startNew('retry', {
      instanceId: 'retry-ok',
      input: { attempts: 3, failures: 2 },
    });
    await h().runtime.idle();
    assert.equal(callsOf('flaky'), 1);
    await h().clock.advance(999);
    await h().runtime.idle();
    assert.equal(callsOf('flaky'), 1, 'the retry timer must not fire early');
    await h().clock.advance(1);
    await h().runtime.idle();
    assert.equal(callsOf('flaky'), 2);
    await h().clock.advance(2000); // backoffCoefficient 2
    await h().runtime.idle();
    const status = await h().runtime.getStatus(id);
    assert.deepEqual(status?.output, { ok: true, result: 'ok after 2 failures' });
    assert.equal(callsOf('flaky'), 3);

    const history = await historyOf(h().runtime, id);
    assert.deepEqual(
      ofType(history, EventType.TaskScheduled).map((e) => [e.EventId, e.Name, e.Timestamp]),
      [
        [0, 'flaky', at(0)],
        [2, 'flaky', at(1000)],
        [4, 'flaky', at(3000)],
      ],
    );
    assert.deepEqual(
      ofType(history, EventType.TaskFailed).map((e) => [e.TaskScheduledId, e.FailureDetails?.ErrorMessage]),
      [
        [0, 'flaky failure 1'],
        [2, 'flaky failure 2'],
      ],
    );
    assert.deepEqual(
      ofType(history, EventType.TimerCreated).map((e) => [e.EventId, e.FireAt]),
      [
        [1, at(1000)],
        [3, at(3000)],
      ],
    );
    assert.deepEqual(
      ofType(history, EventType.TaskCompleted).map((e) => e.TaskScheduledId),
      [4],
    );
  });

  it('runs exactly maxNumberOfAttempts attempts, then fails the task to the orchestrator', async () => {
    const id = await h().runtime.startNew('retry', {
      instanceId: 'retry-exhausted',
      input: { attempts: 3, failures: 10 },
    });
    await h().runtime.idle();
    for (const wait of [1000, 2000, 4000, 8000]) {
      await h().clock.advance(wait);
      await h().runtime.idle();
    }
    const status = await h().runtime.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.deepEqual(status?.output, { ok: false, message: 'Error: flaky failure 3' });
    assert.equal(callsOf('flaky'), 3);
    const history = await historyOf(h().runtime, id);
    assert.equal(ofType(history, EventType.TaskScheduled).length, 3);
    assert.equal(ofType(history, EventType.TaskFailed).length, 3);
    // After the last failure the library still waits on a timer (due at once) before failing the task.
    assert.deepEqual(
      ofType(history, EventType.TimerCreated).map((e) => [e.EventId, e.FireAt]),
      [
        [1, at(1000)],
        [3, at(3000)],
        [5, at(3000)],
      ],
    );
  });
});

describe('local durable runtime: continueAsNew', () => {
  const h = runtimePerTest();

  it('restarts the instance with new input, archiving each previous execution', async () => {
    const id = await h().runtime.startNew('eternal', { instanceId: 'eternal-1', input: { n: 0, max: 2 } });
    await h().runtime.idle();
    for (let i = 0; i < 3; i++) {
      assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
      await h().clock.advance(MINUTE);
      await h().runtime.idle();
    }
    const status = await h().runtime.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.deepEqual(status?.output, { finalN: 2 });
    assert.deepEqual(status?.input, { n: 2, max: 2 });
    assert.equal(callsOf('double'), 3);

    const record = await h().runtime.readRecord(id);
    assert.ok(record);
    assert.equal(record.continuedAsNewCount, 2);
    assert.equal(record.archivedExecutions.length, 2);
    const archivedStarts = record.archivedExecutions.map((execution) =>
      ofType(execution.history, EventType.ExecutionStarted).map((e) => e.Input),
    );
    assert.deepEqual(archivedStarts, [['{"n":0,"max":2}'], ['{"n":1,"max":2}']]);
    for (const execution of record.archivedExecutions) {
      const continued = ofType(execution.history, EventType.ContinueAsNew);
      assert.equal(continued.length, 1);
      assert.equal(ofType(execution.history, EventType.TaskCompleted).length, 1);
      assert.equal(execution.history.at(-1)?.OrchestrationStatus, 'ContinuedAsNew');
    }
    // The current execution starts from scratch: its ids start at 0 again.
    const history = record.execution.history;
    assert.deepEqual(
      ofType(history, EventType.ExecutionStarted).map((e) => e.Input),
      ['{"n":2,"max":2}'],
    );
    assert.deepEqual(
      ofType(history, EventType.TaskScheduled).map((e) => e.EventId),
      [0],
    );
    assert.notEqual(record.execution.executionId, record.archivedExecutions[1]?.executionId);
  });
});

describe('local durable runtime: custom status and failures', () => {
  const h = runtimePerTest();

  it('publishes the custom status set before each yield', async () => {
    const id = await h().runtime.startNew('customStatus', { instanceId: 'custom-1' });
    await h().runtime.idle();
    assert.deepEqual((await h().runtime.getStatus(id))?.customStatus, {
      step: 'waiting',
      since: START.toISOString(),
    });
    await h().runtime.raiseEvent(id, 'next');
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.output, 'finished');
    assert.deepEqual(status.customStatus, { step: 'done' });
  });

  it('fails the instance when an activity failure is not caught', async () => {
    const { id, status } = await runToEnd(h(), 'failing', { instanceId: 'failing-1' });
    assert.equal(status.runtimeStatus, 'Failed');
    assert.equal(status.output, "Orchestrator function 'failing' failed: RangeError: kaput");
    assert.equal(callsOf('double'), 1);
    assert.equal(callsOf('boom'), 1);
    const failed = ofType(await historyOf(h().runtime, id), EventType.TaskFailed);
    assert.deepEqual(
      failed.map((e) => [e.TaskScheduledId, e.FailureDetails?.ErrorType, e.FailureDetails?.ErrorMessage]),
      [[1, 'RangeError', 'kaput']],
    );
  });

  it('turns a non-Error thrown by an activity into a typed failure naming the instance', async () => {
    const id = await h().runtime.startNew('nonError', { instanceId: 'non-error-1' });
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.runtimeStatus, 'Completed');
    assert.deepEqual(status.output, {
      caught:
        "ActivityThrewNonErrorError: activity 'throwsString' of instance 'non-error-1' threw a non-Error value: \"plain string\"",
    });
  });

  it('fails with a non-determinism error naming the position and both actions', async () => {
    const id = await h().runtime.startNew('nondeterministic', { instanceId: 'nd-1' });
    await h().runtime.idle();
    assert.equal((await h().runtime.getStatus(id))?.runtimeStatus, 'Running');
    switches.variant = 'B'; // the code changed while the instance was waiting
    await h().runtime.raiseEvent(id, 'continue');
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.runtimeStatus, 'Failed');
    assert.equal(
      status.output,
      "non-deterministic orchestration 'nondeterministic' (instance 'nd-1'): at action position 0 " +
        "the replay produced CallActivity 'triple' but the history recorded CallActivity 'double'",
    );
    const record = await h().runtime.readRecord(id);
    assert.equal(record?.failure?.code, 'NonDeterministicOrchestration');
    assert.equal(callsOf('triple'), 0);
  });

  it('fails an orchestration that uses an unsupported feature, naming it', async () => {
    const id = await h().runtime.startNew('usesSubOrchestration', { instanceId: 'sub-1' });
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.runtimeStatus, 'Failed');
    assert.match(String(status.output), /instance 'sub-1' used callSubOrchestrator/);
  });

  it('terminates a running instance with the reason as output and drops its timers', async () => {
    const id = await h().runtime.startNew('timerThenActivity', { instanceId: 'term-1' });
    await h().runtime.idle();
    assert.equal(h().clock.pendingCount(), 1);
    await h().runtime.terminate(id, 'operator said so');
    const status = await h().runtime.waitForStatus(id, isFinished);
    assert.equal(status.runtimeStatus, 'Terminated');
    assert.equal(status.output, 'operator said so');
    await h().runtime.idle();
    assert.equal(h().clock.pendingCount(), 0);
    await h().clock.advance(60 * MINUTE);
    await h().runtime.idle();
    assert.equal(callsOf('double'), 0);
  });
});
