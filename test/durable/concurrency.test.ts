import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InMemoryInstanceStore } from '../../shared/local/durable/inMemoryInstanceStore';
import type { InstanceStore, StoredInstanceDocument } from '../../shared/local/durable/instanceStore';
import type { RuntimeObserver } from '../../shared/local/durable/runtime';
import { callsOf, gate } from './fixtures/probes';
import { startHarness } from './harness';
import { turns } from './support';

/** A store whose writes take a few event-loop turns, as a database round trip would. */
class SlowStore implements InstanceStore {
  private readonly inner = new InMemoryInstanceStore();
  read(id: string): Promise<StoredInstanceDocument | undefined> {
    return this.inner.read(id);
  }
  async create(id: string, document: unknown): Promise<string> {
    await turns(2);
    return this.inner.create(id, document);
  }
  async replace(id: string, document: unknown, etag: string): Promise<string> {
    await turns(3);
    return this.inner.replace(id, document, etag);
  }
  delete(id: string, etag: string): Promise<boolean> {
    return this.inner.delete(id, etag);
  }
  list(): Promise<StoredInstanceDocument[]> {
    return this.inner.list();
  }
}

class Meter {
  private readonly current = new Map<string, number>();
  total = 0;
  maxTotal = 0;
  maxPerKey = 0;
  enter(key: string): void {
    const value = (this.current.get(key) ?? 0) + 1;
    this.current.set(key, value);
    this.total++;
    this.maxPerKey = Math.max(this.maxPerKey, value);
    this.maxTotal = Math.max(this.maxTotal, this.total);
  }
  leave(key: string): void {
    this.current.set(key, (this.current.get(key) ?? 1) - 1);
    this.total--;
  }
}

describe('local durable runtime: concurrency', () => {
  it('never overlaps two episodes of one instance, and runs different instances concurrently', async () => {
    const episodes = new Meter();
    const observer: RuntimeObserver = {
      onEpisodeStart: (id) => episodes.enter(id),
      onEpisodeEnd: (id) => episodes.leave(id),
    };
    const h = await startHarness({ store: new SlowStore(), observer, maxConcurrentActivities: 8 });
    try {
      const ids = ['c-1', 'c-2', 'c-3'];
      for (const id of ids) await h.runtime.startNew('fanOut', { instanceId: id, input: 4 });
      await h.runtime.idle();
      for (const id of ids) {
        const status = await h.runtime.getStatus(id);
        assert.equal(status?.runtimeStatus, 'Completed');
        assert.deepEqual(status?.output, [0, 2, 4, 6]);
      }
      assert.equal(callsOf('double'), 12);
      assert.equal(episodes.maxPerKey, 1, 'two episodes of one instance overlapped');
      assert.ok(
        episodes.maxTotal >= 2,
        `episodes of different instances never overlapped (max ${episodes.maxTotal})`,
      );
    } finally {
      await h.runtime.stop();
    }
  });

  it('bounds the number of activities running at once', async () => {
    const activities = new Meter();
    const observer: RuntimeObserver = {
      onActivityStart: (id) => activities.enter(id),
      onActivityEnd: (id) => activities.leave(id),
    };
    const h = await startHarness({ observer, maxConcurrentActivities: 2 });
    try {
      const ids = ['g-1', 'g-2', 'g-3'];
      for (const id of ids) await h.runtime.startNew('gatedPair', { instanceId: id });
      await h.runtime.idle({ activities: false });
      assert.equal(callsOf('gated'), 2);
      assert.equal(activities.total, 2);
      let opened = 0;
      for (const id of ids) {
        for (const n of [1, 2]) {
          gate(`${id}:${n}`).open(undefined);
          opened++;
          await h.runtime.idle({ activities: false });
          assert.ok(activities.total <= 2);
          assert.equal(callsOf('gated'), Math.min(6, opened + 2));
        }
      }
      await h.runtime.idle();
      for (const id of ids) assert.deepEqual((await h.runtime.getStatus(id))?.output, [1, 2]);
      assert.equal(activities.maxTotal, 2);
      assert.equal(callsOf('gated'), 6);
    } finally {
      await h.runtime.stop();
    }
  });
});
