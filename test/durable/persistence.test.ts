import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { CosmosClient } from '@azure/cosmos';

import { ManualClock } from '../../shared/local/clock/manualClock';
import { startEmbeddedCosmos } from '../../shared/local/cosmos/embeddedCosmos';
import {
  CosmosInstanceStore,
  ensureDurableInstancesContainer,
} from '../../shared/local/durable/cosmosInstanceStore';
import { InMemoryInstanceStore } from '../../shared/local/durable/inMemoryInstanceStore';
import type { InstanceStore } from '../../shared/local/durable/instanceStore';
import { LocalDurableRuntime } from '../../shared/local/durable/runtime';
import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import { callsOf, gate, resetProbes } from './fixtures/probes';
import { loadFixtures, START } from './harness';
import { EventType, ofType } from './support';

const MINUTE = 60_000;

interface RunResult {
  readonly output: unknown;
  readonly calls: { double: number; gated: number; echo: number };
}

/** The restartable orchestration from start to finish in one runtime. */
async function referenceRun(registry: FunctionRegistry): Promise<RunResult> {
  resetProbes();
  const clock = new ManualClock(START);
  const runtime = new LocalDurableRuntime({ registry, clock });
  await runtime.start();
  try {
    await runtime.startNew('restartable', { instanceId: 'ref', input: 3 });
    await runtime.idle();
    await clock.advance(5 * MINUTE);
    await runtime.idle({ activities: false });
    gate('ref:gate').open(undefined);
    await runtime.idle();
    await runtime.raiseEvent('ref', 'bonus', 'b');
    await runtime.idle();
    const status = await runtime.getStatus('ref');
    assert.equal(status?.runtimeStatus, 'Completed');
    return {
      output: status?.output,
      calls: { double: callsOf('double'), gated: callsOf('gated'), echo: callsOf('echo') },
    };
  } finally {
    await runtime.stop();
  }
}

/** The same orchestration, with the host restarted at a pending timer, a running activity and a wait. */
async function restartedRun(
  registry: FunctionRegistry,
  store: InstanceStore,
  id: string,
): Promise<RunResult> {
  resetProbes();
  const clock = new ManualClock(START);
  const boot = async (): Promise<LocalDurableRuntime> => {
    const runtime = new LocalDurableRuntime({ registry, clock, store });
    await runtime.start();
    return runtime;
  };

  let runtime = await boot();
  await runtime.startNew('restartable', { instanceId: id, input: 3 });
  await runtime.idle();
  assert.equal(callsOf('double'), 1);
  assert.equal(clock.pendingCount(), 1, 'the five-minute timer is armed');
  await runtime.stop();
  assert.equal(clock.pendingCount(), 0, 'stopping disarms the timer');

  // Restart 1: the pending timer is re-armed from the stored history and fires on time.
  runtime = await boot();
  assert.equal(clock.pendingCount(), 1);
  await clock.advance(5 * MINUTE - 1);
  await runtime.idle({ activities: false });
  assert.equal(callsOf('gated'), 0);
  await clock.advance(1);
  await runtime.idle({ activities: false });
  assert.equal(callsOf('gated'), 1);
  await runtime.stop();

  // Restart 2: the activity that was running (scheduled, never completed) runs again.
  runtime = await boot();
  await runtime.idle({ activities: false });
  assert.equal(callsOf('gated'), 2);
  gate(`${id}:gate`).open(undefined);
  await runtime.idle();
  assert.equal((await runtime.getStatus(id))?.runtimeStatus, 'Running');
  await runtime.stop();

  // Restart 3: waiting for an event; the event reaches the resumed instance.
  runtime = await boot();
  try {
    await runtime.raiseEvent(id, 'bonus', 'b');
    await runtime.idle();
    const status = await runtime.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    const record = await runtime.readRecord(id);
    const history = record?.execution.history ?? [];
    // One TaskCompleted per task id: the re-run activity was recorded once.
    const completedIds = ofType(history, EventType.TaskCompleted).map((e) => e.TaskScheduledId);
    assert.deepEqual(completedIds, [0, 2, 3, 4]);
    return {
      output: status?.output,
      calls: { double: callsOf('double'), gated: callsOf('gated'), echo: callsOf('echo') },
    };
  } finally {
    await runtime.stop();
  }
}

describe('local durable runtime: persistence and restart', () => {
  let registry: FunctionRegistry;
  let reference: RunResult;
  before(async () => {
    registry = await loadFixtures();
    reference = await referenceRun(registry);
  });

  it('the reference run', () => {
    assert.deepEqual(reference.output, { a: 6, b: 7, c: 14, bonus: 'b' });
    assert.deepEqual(reference.calls, { double: 2, gated: 1, echo: 1 });
  });

  it('resumes after restarts on the in-memory store with the same output', async () => {
    const result = await restartedRun(registry, new InMemoryInstanceStore(), 'mem-1');
    assert.deepEqual(result.output, reference.output);
    // Completed activities are never re-executed; the one running at the stop ran again.
    assert.deepEqual(result.calls, { double: 2, gated: 2, echo: 1 });
  });

  describe('on the embedded Cosmos server', () => {
    let cosmos: Awaited<ReturnType<typeof startEmbeddedCosmos>>;
    let client: CosmosClient;
    let store: CosmosInstanceStore;
    before(async () => {
      cosmos = await startEmbeddedCosmos();
      client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent });
      const { database } = await client.databases.createIfNotExists({ id: 'durable-test' });
      store = new CosmosInstanceStore(await ensureDurableInstancesContainer(database));
    });
    after(async () => {
      client.dispose();
      await cosmos.stop();
    });

    it('resumes after restarts with the same output', async () => {
      const result = await restartedRun(registry, store, 'cosmos-1');
      assert.deepEqual(result.output, reference.output);
      assert.deepEqual(result.calls, { double: 2, gated: 2, echo: 1 });
    });

    it('writes with If-Match: a stale ETag is a ConflictError', async () => {
      const etag = await store.create('etag-1', { v: 1 });
      const next = await store.replace('etag-1', { v: 2 }, etag);
      assert.notEqual(next, etag);
      await assert.rejects(store.replace('etag-1', { v: 3 }, etag), { name: 'ConflictError' });
      await assert.rejects(store.create('etag-1', { v: 4 }), { name: 'ConflictError' });
      assert.deepEqual((await store.read('etag-1'))?.document, { v: 2 });
      assert.equal(await store.delete('etag-1', next), true);
      assert.equal(await store.read('etag-1'), undefined);
      assert.equal(await store.delete('etag-1', next), false);
    });
  });
});
