import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EventType } from '../../shared/local/durable/historyEvent';
import { callsOf } from './fixtures/probes';
import { runtimePerTest, runToEnd } from './harness';

describe('local durable runtime: replay with activities', () => {
  const h = runtimePerTest();

  it('runs a sequence of activities and never re-executes a completed one on replay', async () => {
    const { id, status } = await runToEnd(h(), 'sequence', { instanceId: 'seq-1', input: 1 });
    assert.equal(status.runtimeStatus, 'Completed');
    assert.deepEqual(status.output, [2, 4, 6]);
    // 4 episodes replayed the first activity 3 times after it completed; it ran once.
    assert.equal(callsOf('double'), 3);
    const record = await h().runtime.readRecord(id);
    assert.ok(record);
    const history = record.execution.history;
    const scheduled = history.filter((e) => e.EventType === EventType.TaskScheduled);
    const completed = history.filter((e) => e.EventType === EventType.TaskCompleted);
    assert.deepEqual(
      scheduled.map((e) => [e.EventId, e.Name, e.Input]),
      [
        [0, 'double', '1'],
        [1, 'double', '2'],
        [2, 'double', '3'],
      ],
    );
    assert.deepEqual(
      completed.map((e) => [e.TaskScheduledId, e.Result]),
      [
        [0, '2'],
        [1, '4'],
        [2, '6'],
      ],
    );
    assert.equal(history.filter((e) => e.EventType === EventType.OrchestratorStarted).length, 4);
    assert.equal(history.at(-1)?.EventType, EventType.ExecutionCompleted);
  });
});
