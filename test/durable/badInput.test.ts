import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InMemoryInstanceStore } from '../../shared/local/durable/inMemoryInstanceStore';
import { LocalDurableRuntime } from '../../shared/local/durable/runtime';
import { isFinished, loadFixtures, runtimePerTest } from './harness';

describe('local durable runtime: bad input', () => {
  const h = runtimePerTest();

  it('starting an unknown orchestrator is a typed error naming it and the instance', async () => {
    await assert.rejects(h().runtime.startNew('noSuchOrchestrator', { instanceId: 'x-1' }), {
      name: 'OrchestratorNotFoundError',
      code: 'OrchestratorNotFound',
      instanceId: 'x-1',
      message:
        "the function 'noSuchOrchestrator' doesn't exist or is not an orchestrator function (instance 'x-1')",
    });
    // An activity is not an orchestrator either.
    await assert.rejects(h().runtime.startNew('double'), { code: 'OrchestratorNotFound' });
  });

  it('refuses instance ids that Azure refuses', async () => {
    for (const bad of ['@entity', 'a/b', 'a#b', 'x'.repeat(257), 'tab\there', '']) {
      await assert.rejects(h().runtime.startNew('sequence', { instanceId: bad, input: 1 }), {
        name: 'InvalidInstanceIdError',
        code: 'InvalidInstanceId',
      });
    }
  });

  it('refuses input that is not JSON', async () => {
    await assert.rejects(h().runtime.startNew('sequence', { instanceId: 'big', input: { n: 10n } }), {
      name: 'InvalidInputError',
      instanceId: 'big',
    });
  });

  it('terminating an unknown instance names it', async () => {
    await assert.rejects(h().runtime.terminate('ghost', 'why'), {
      code: 'InstanceNotFound',
      instanceId: 'ghost',
    });
  });
});

describe('local durable runtime: a stored history that fails to parse', () => {
  it('is a typed error naming the instance; the runtime keeps running the others', async () => {
    const registry = await loadFixtures();
    const store = new InMemoryInstanceStore();
    await store.create('broken', { schemaVersion: 1, instanceId: 'broken', history: 'not a list' });
    const runtime = new LocalDurableRuntime({ registry, store });
    try {
      await runtime.start();
      const faults = runtime.faults();
      assert.equal(faults.length, 1);
      assert.equal(faults[0]?.name, 'HistoryCorruptError');
      assert.match(faults[0]?.message ?? '', /instance 'broken' cannot be parsed/);
      await assert.rejects(runtime.getStatus('broken'), { code: 'HistoryCorrupt', instanceId: 'broken' });
      await assert.rejects(runtime.raiseEvent('broken', 'x'), { code: 'HistoryCorrupt' });

      await runtime.listen();
      const response = await fetch(`${runtime.clientBindingData().rpcBaseUrl}instances/broken`);
      assert.equal(response.status, 500);
      assert.equal(((await response.json()) as { code: string }).code, 'HistoryCorrupt');

      const id = await runtime.startNew('sequence', { instanceId: 'healthy', input: 1 });
      const status = await runtime.waitForStatus(id, isFinished);
      assert.deepEqual(status.output, [2, 4, 6]);

      assert.equal(await runtime.purge('broken'), true);
      assert.equal(await store.read('broken'), undefined);
    } finally {
      await runtime.stop();
    }
  });
});
