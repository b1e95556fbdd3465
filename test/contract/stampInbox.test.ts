import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ConflictError, InvalidDocumentError, ValidationError } from '../../shared/errors';
import type { StampEvent } from '../../shared/lifecycle/events';
import type { AuditRecord, Stamp } from '../../shared/lifecycle/stamp';
import type { DecisionBatch, StampInbox } from '../../shared/ports/stampStore';
import { type CosmosHarness, startCosmosHarness, type StoreUnderTest } from './support/embeddedStore';
import { newStampFixture, transition } from './support/stampFixtures';

let harness: CosmosHarness;
let t: StoreUnderTest;

before(async () => {
  harness = await startCosmosHarness();
  t = await harness.newStore();
});

after(async () => {
  await harness.stop();
});

const failed = (n: number): StampEvent => ({
  type: 'HealthProbeFailed',
  id: `alert-${n}:Fired`,
  alertId: `alert-${n}`,
  observedAt: '2026-03-01T12:00:00.000Z',
});

/** A batch of one transition, with the inbox as the decision left it (and its ETag when it was read). */
function batch(
  next: { stamp: Stamp; audit: AuditRecord },
  etag: string,
  inbox: StampInbox,
  inboxEtag?: string,
): DecisionBatch {
  return {
    stamp: next.stamp,
    etag,
    audits: [next.audit],
    inbox,
    ...(inboxEtag === undefined ? {} : { inboxEtag }),
  };
}

void describe('CosmosStampStore: the stamp inbox', () => {
  void it('a stamp without events has an empty inbox and no document', async () => {
    const stored = await t.store.readInbox('weu-900');
    assert.deepEqual(stored, { inbox: { stampId: 'weu-900', pending: [], recent: [] } });
  });

  void it('queues events in arrival order and drops a duplicate at the door', async () => {
    assert.equal(await t.store.enqueueEvent('weu-901', failed(1)), 'queued');
    assert.equal(await t.store.enqueueEvent('weu-901', failed(2)), 'queued');
    assert.equal(await t.store.enqueueEvent('weu-901', failed(1)), 'duplicate');
    const { inbox, etag } = await t.store.readInbox('weu-901');
    assert.deepEqual(
      inbox.pending.map((e) => e.id),
      ['alert-1:Fired', 'alert-2:Fired'],
    );
    assert.ok(etag !== undefined);
  });

  void it('concurrent enqueues of distinct events all land, each once', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.store.enqueueEvent('weu-902', failed(100 + i))),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 12 }, () => 'queued'),
    );
    const { inbox } = await t.store.readInbox('weu-902');
    assert.equal(new Set(inbox.pending.map((e) => e.id)).size, 12);
  });

  void it('refuses an event that does not match the schema, naming the stamp', async () => {
    const bad = {
      type: 'HealthProbeFailed',
      id: 'x',
      alertId: 'a',
      observedAt: 'yesterday',
    } as unknown as StampEvent;
    await assert.rejects(t.store.enqueueEvent('weu-903', bad), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /weu-903/);
      return true;
    });
  });

  void it('commitBatch writes the stamp, its audit records and the consumed inbox atomically', async () => {
    const { stamp, audit } = newStampFixture('weu-904');
    const created = await t.store.create(stamp, audit);
    await t.store.enqueueEvent('weu-904', failed(7));
    const read = await t.store.readInbox('weu-904');
    const one = transition(created.stamp, 'registering');
    const two = transition(one.stamp, 'active');
    const stored = await t.store.commitBatch({
      stamp: two.stamp,
      etag: created.etag,
      audits: [one.audit, two.audit],
      inbox: {
        ...read.inbox,
        pending: [],
        recent: ['alert-7:Fired'],
        lastBatch: { key: 'k1', effects: [{ kind: 'enable-origin', stampId: 'weu-904' }] },
      },
      ...(read.etag === undefined ? {} : { inboxEtag: read.etag }),
    });
    assert.equal(stored.stamp.phase, 'active');
    assert.deepEqual(
      (await t.store.history('weu-904')).map((a) => a.to),
      ['provisioning', 'registering', 'active'],
    );
    const after = await t.store.readInbox('weu-904');
    assert.deepEqual(after.inbox.pending, []);
    assert.deepEqual(after.inbox.lastBatch, {
      key: 'k1',
      effects: [{ kind: 'enable-origin', stampId: 'weu-904' }],
    });
    assert.equal(
      await t.store.enqueueEvent('weu-904', failed(7)),
      'duplicate',
      'a consumed event stays a duplicate',
    );
  });

  void it('an inbox that changed since it was read fails the whole batch (ConflictError), writing nothing', async () => {
    const { stamp, audit } = newStampFixture('weu-905');
    const created = await t.store.create(stamp, audit);
    await t.store.enqueueEvent('weu-905', failed(8));
    const read = await t.store.readInbox('weu-905');
    await t.store.enqueueEvent('weu-905', failed(9));
    const next = transition(created.stamp, 'registering');
    await assert.rejects(
      t.store.commitBatch(batch(next, created.etag, { ...read.inbox, pending: [] }, read.etag)),
      ConflictError,
    );
    assert.equal((await t.store.get('weu-905'))?.stamp.phase, 'provisioning');
    assert.equal((await t.store.history('weu-905')).length, 1);
    assert.equal((await t.store.readInbox('weu-905')).inbox.pending.length, 2);
  });

  void it('a batch without an inbox document creates it; a concurrent creation conflicts', async () => {
    const { stamp, audit } = newStampFixture('weu-906');
    const created = await t.store.create(stamp, audit);
    const next = transition(created.stamp, 'registering');
    const stored = await t.store.commitBatch(
      batch(next, created.etag, { stampId: 'weu-906', pending: [], recent: ['e1'] }),
    );
    assert.equal(stored.stamp.phase, 'registering');
    assert.deepEqual((await t.store.readInbox('weu-906')).inbox.recent, ['e1']);
    const again = transition(stored.stamp, 'active');
    await assert.rejects(
      t.store.commitBatch(batch(again, stored.etag, { stampId: 'weu-906', pending: [], recent: [] })),
      ConflictError,
    );
    assert.equal((await t.store.get('weu-906'))?.stamp.phase, 'registering');
  });

  void it('refuses audit records that do not follow the stamp', async () => {
    const { stamp, audit } = newStampFixture('weu-907');
    const created = await t.store.create(stamp, audit);
    const next = transition(created.stamp, 'registering');
    await assert.rejects(
      t.store.commitBatch(
        batch({ ...next, audit: { ...next.audit, seq: 5 } }, created.etag, {
          stampId: 'weu-907',
          pending: [],
          recent: [],
        }),
      ),
      ValidationError,
    );
  });

  void it('a stored inbox that fails validation is an error naming the document and field', async () => {
    await t.raw.stamps.items.create({
      id: 'inbox',
      stampId: 'weu-908',
      type: 'inbox',
      pending: [{ type: 'Nope', id: 'x' }],
      recent: [],
    });
    await assert.rejects(t.store.readInbox('weu-908'), (error: unknown) => {
      assert.ok(error instanceof InvalidDocumentError);
      assert.equal(error.documentId, 'weu-908/inbox');
      assert.match(error.field, /^pending\.0/);
      return true;
    });
  });
});
