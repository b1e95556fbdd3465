import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { mapCosmosError, processedEventDocumentId } from '../../shared/azure/cosmos';
import {
  ConflictError,
  InvalidDocumentError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '../../shared/errors';
import { type Phase, PHASES } from '../../shared/lifecycle/phase';
import type { AuditRecord, Stamp } from '../../shared/lifecycle/stamp';
import type { StampStore, StoredStamp } from '../../shared/ports/stampStore';
import { REQUEST_TO_ARCHIVED } from '../support/lifecyclePaths';
import { perSuite } from '../support/lifetime';
import {
  type CosmosHarness,
  mapLimit,
  startCosmosHarness,
  type StoreUnderTest,
} from './support/embeddedStore';
import { minutesAfterT0, newStampFixture, T0, transition } from './support/stampFixtures';

let harness: CosmosHarness;

before(async () => {
  harness = await startCosmosHarness();
});

after(async () => {
  await harness.stop();
});

/** A store on its own database for the suite (the harness stops the server). */
function storeSuite(): () => StoreUnderTest {
  return perSuite(
    () => harness.newStore(),
    () => Promise.resolve(),
  );
}

/** One transition committed the way the app commits it: the stamp, its audit record and its inbox. */
async function commitOne(
  store: StampStore,
  stamp: Stamp,
  etag: string,
  audit: AuditRecord,
): Promise<StoredStamp> {
  const { inbox, etag: inboxEtag } = await store.readInbox(stamp.id);
  return store.commitBatch({
    stamp,
    etag,
    audits: [audit],
    inbox,
    ...(inboxEtag === undefined ? {} : { inboxEtag }),
  });
}

void describe('CosmosStampStore: create, read, replace', () => {
  const t = storeSuite();

  void it('creates a stamp with its first audit record and reads both back', async () => {
    const { stamp, audit } = newStampFixture('weu-001');
    const created = await t().store.create(stamp, audit);
    assert.ok(created.etag.length > 0);

    const read = await t().store.get('weu-001');
    assert.deepEqual(read, { stamp, etag: created.etag });
    assert.deepEqual(await t().store.history('weu-001'), [audit]);
  });

  void it('stores the stamp document with its partition key and type, and the audit record beside it', async () => {
    const { resource } = await t().raw.stamps.item('weu-001', 'weu-001').read<Record<string, unknown>>();
    assert.equal(resource?.['stampId'], 'weu-001');
    assert.equal(resource?.['type'], 'stamp');
    const audit = await t().raw.stamps.item('audit-000001', 'weu-001').read<Record<string, unknown>>();
    assert.equal(audit.resource?.['type'], 'audit');
    assert.equal(audit.resource?.['seq'], 1);
  });

  void it('answers undefined for a stamp that does not exist', async () => {
    assert.equal(await t().store.get('weu-999'), undefined);
    assert.deepEqual(await t().store.history('weu-999'), []);
  });

  void it('refuses a second stamp with the same id with ConflictError, leaving the first as it was', async () => {
    const before = await t().store.get('weu-001');
    const { stamp, audit } = newStampFixture('weu-001', { region: 'eastus' });
    await assert.rejects(t().store.create(stamp, audit), ConflictError);
    assert.deepEqual(await t().store.get('weu-001'), before);
  });

  void it('replaces with the current ETag and returns a new one', async () => {
    const current = await t().store.get('weu-001');
    assert.ok(current);
    const changed = { ...current.stamp, health: { probe: 'failing' as const, alertId: 'alert-7' } };
    const replaced = await t().store.replace(changed, current.etag);
    assert.notEqual(replaced.etag, current.etag);
    assert.deepEqual(await t().store.get('weu-001'), { stamp: changed, etag: replaced.etag });
  });

  void it('refuses a replace with a stale ETag with ConflictError and keeps the stored stamp', async () => {
    const current = await t().store.get('weu-001');
    assert.ok(current);
    await t().store.replace({ ...current.stamp, generation: 2 }, current.etag);
    const afterFirst = await t().store.get('weu-001');

    await assert.rejects(
      t().store.replace({ ...current.stamp, generation: 3 }, current.etag),
      (err: unknown) => {
        assert.ok(err instanceof ConflictError);
        assert.equal(err.code, 'Conflict');
        assert.equal(err.retryable, true);
        return true;
      },
    );
    assert.equal((await t().store.get('weu-001'))?.stamp.generation, 2);
    assert.deepEqual(await t().store.get('weu-001'), afterFirst);
  });

  void it('replacing a stamp that does not exist is NotFoundError', async () => {
    const { stamp } = newStampFixture('weu-404');
    await assert.rejects(t().store.replace(stamp, '"some-etag"'), NotFoundError);
  });

  void it('refuses to write an invalid stamp or a mismatched audit record (ValidationError), writing nothing', async () => {
    const { stamp, audit } = newStampFixture('weu-050');
    await assert.rejects(t().store.create({ ...stamp, generation: 0 }, audit), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.field, 'generation');
      return true;
    });
    await assert.rejects(t().store.create(stamp, { ...audit, stampId: 'weu-051' }), ValidationError);
    await assert.rejects(t().store.create(stamp, { ...audit, seq: 2 }), ValidationError);
    assert.equal(await t().store.get('weu-050'), undefined);
  });
});

void describe('CosmosStampStore: transitions (stamp replace + audit create in one batch)', () => {
  const t = storeSuite();

  void it('writes the new stamp and its audit record together; history is oldest first', async () => {
    const { stamp, audit } = newStampFixture('eus-001', { region: 'eastus' });
    let stored = await t().store.create(stamp, audit);
    // Every phase from registering to archived, in order.
    const phases: Phase[] = PHASES.slice(PHASES.indexOf('registering'), PHASES.indexOf('archived') + 1);
    for (const [i, to] of phases.entries()) {
      const next = transition(stored.stamp, to, { at: minutesAfterT0(i + 1) });
      stored = await commitOne(t().store, next.stamp, stored.etag, next.audit);
    }
    // Enough records to pass 9 and 10, where a text sort of unpadded numbers would misorder.
    for (let i = 0; i < 5; i += 1) {
      const to: Phase = i % 2 === 0 ? 'purged' : 'archived';
      const next = transition(stored.stamp, to, { at: minutesAfterT0(10 + i) });
      stored = await commitOne(t().store, next.stamp, stored.etag, next.audit);
    }
    const history = await t().store.history('eus-001');
    assert.deepEqual(
      history.map((r) => r.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert.deepEqual(
      history.slice(0, 7).map((r) => [r.from, r.to]),
      REQUEST_TO_ARCHIVED,
    );
    const read = await t().store.get('eus-001');
    assert.equal(read?.stamp.auditSeq, 12);
    assert.equal(read?.etag, stored.etag);
  });

  void it('a stale ETag fails the whole batch: ConflictError, no audit record, stamp unchanged', async () => {
    const { stamp, audit } = newStampFixture('eus-002', { region: 'eastus' });
    const created = await t().store.create(stamp, audit);
    const moved = await t().store.replace({ ...created.stamp, generation: 2 }, created.etag);

    const next = transition(created.stamp, 'registering');
    await assert.rejects(commitOne(t().store, next.stamp, created.etag, next.audit), ConflictError);

    assert.deepEqual(await t().store.get('eus-002'), moved);
    assert.deepEqual(
      (await t().store.history('eus-002')).map((r) => r.seq),
      [1],
    );
    const orphan = await t().raw.stamps.item('audit-000002', 'eus-002').read();
    assert.equal(orphan.statusCode, 404);
  });

  void it('a duplicate audit id fails the whole batch: ConflictError, and the stamp replace is rolled back', async () => {
    const { stamp, audit } = newStampFixture('eus-003', { region: 'eastus' });
    const created = await t().store.create(stamp, audit);
    const next = transition(created.stamp, 'registering');
    // Plant record 2 behind the adapter's back, as if the transition had been written before.
    await t().raw.stamps.items.create({ ...next.audit, id: 'audit-000002', type: 'audit' });

    await assert.rejects(commitOne(t().store, next.stamp, created.etag, next.audit), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.match(err.message, /already written/);
      return true;
    });
    const after = await t().store.get('eus-003');
    assert.equal(after?.etag, created.etag);
    assert.equal(after?.stamp.phase, 'provisioning');
    assert.equal(after?.stamp.auditSeq, 1);
  });

  void it('a transition of a stamp that does not exist is NotFoundError and writes no audit record', async () => {
    const { stamp } = newStampFixture('eus-404', { region: 'eastus' });
    const next = transition(stamp, 'registering');
    await assert.rejects(commitOne(t().store, next.stamp, '"whatever"', next.audit), NotFoundError);
    assert.deepEqual(await t().store.history('eus-404'), []);
  });

  void it('two writers racing on one stamp: exactly one wins; the loser re-reads, re-decides and commits', async () => {
    const { stamp, audit } = newStampFixture('eus-004', { region: 'eastus', phase: 'active' });
    const created = await t().store.create(stamp, audit);

    // Both read the same version and decide different transitions from it.
    const drain = transition(created.stamp, 'draining', { eventId: 'operator-drain' });
    const isolate = {
      stamp: { ...created.stamp, traffic: 'isolated' as const, auditSeq: 2, cause: drain.stamp.cause },
      audit: {
        ...drain.audit,
        to: 'active' as const,
        traffic: { from: 'in-rotation' as const, to: 'isolated' as const },
      },
    };
    const outcomes = await Promise.allSettled([
      commitOne(t().store, drain.stamp, created.etag, drain.audit),
      commitOne(t().store, isolate.stamp, created.etag, isolate.audit),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(lost[0]?.status === 'rejected' && lost[0].reason instanceof ConflictError);

    // The loser re-reads and decides again from what is stored now.
    const current = await t().store.get('eus-004');
    assert.ok(current);
    assert.equal(current.stamp.auditSeq, 2);
    const redo = transition(current.stamp, current.stamp.phase === 'draining' ? 'quarantined' : 'draining');
    const final = await commitOne(t().store, redo.stamp, current.etag, redo.audit);

    const history = await t().store.history('eus-004');
    assert.deepEqual(
      history.map((r) => r.seq),
      [1, 2, 3],
    );
    assert.equal(history[2]?.from, current.stamp.phase);
    assert.deepEqual(await t().store.get('eus-004'), final);
  });

  void it('of many writers racing from one version, exactly one commits', async () => {
    const { stamp, audit } = newStampFixture('eus-005', { region: 'eastus' });
    const created = await t().store.create(stamp, audit);
    const attempts = Array.from({ length: 8 }, (_, i) =>
      transition(created.stamp, 'registering', { eventId: `writer-${i}` }),
    );
    const outcomes = await Promise.allSettled(
      attempts.map((a) => commitOne(t().store, a.stamp, created.etag, a.audit)),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.ok(
      outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof ConflictError),
      'every loser gets ConflictError',
    );
    assert.equal((await t().store.history('eus-005')).length, 2);
  });
});

void describe('CosmosStampStore: processed events', () => {
  const t = storeSuite();

  void it('records an event id once: true the first time, false after', async () => {
    assert.equal(await t().store.isEventProcessed('evt-1'), false);
    assert.equal(
      await t().store.recordProcessedEvent('evt-1', { source: 'alerts', stampId: 'weu-001', at: T0 }),
      true,
    );
    assert.equal(await t().store.recordProcessedEvent('evt-1', { source: 'alerts', at: T0 }), false);
    assert.equal(await t().store.isEventProcessed('evt-1'), true);
    assert.equal(await t().store.isEventProcessed('evt-2'), false);
  });

  void it('accepts ids that Cosmos ids cannot hold (Azure alert resource ids) and keeps them apart', async () => {
    const alertA = '/subscriptions/0000/providers/Microsoft.AlertsManagement/alerts/aaaa';
    const alertB = '/subscriptions/0000/providers/Microsoft.AlertsManagement/alerts/bbbb';
    assert.equal(await t().store.recordProcessedEvent(alertA, { source: 'monitor', at: T0 }), true);
    assert.equal(await t().store.isEventProcessed(alertB), false);
    assert.equal(await t().store.recordProcessedEvent(alertA, { source: 'monitor', at: T0 }), false);
    assert.equal(await t().store.recordProcessedEvent(alertB, { source: 'monitor', at: T0 }), true);
    assert.match(processedEventDocumentId(alertA), /^sha256-[0-9a-f]{64}$/);
    assert.equal(processedEventDocumentId('evt-1'), 'evt-1');
  });

  void it('of concurrent records of one event id exactly one is first', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => t().store.recordProcessedEvent('evt-race', { source: 'bus', at: T0 })),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  void it('the events container expires ids by its defaultTtl', async () => {
    const { resource } = await t().raw.events.read();
    assert.equal(resource?.defaultTtl, 3600);
  });
});

void describe('CosmosStampStore: region ledgers and stamp id allocation', () => {
  const t = storeSuite();

  void it('ensureLedger creates an empty ledger once and returns the stored one after', async () => {
    assert.equal(await t().store.getLedger('westeurope'), undefined);
    const first = await t().store.ensureLedger('westeurope', 'weu');
    assert.deepEqual(first.ledger, { region: 'westeurope', code: 'weu', lastSeq: 0, members: {} });
    const again = await t().store.ensureLedger('westeurope', 'weu');
    assert.deepEqual(again, first);
    assert.deepEqual(await t().store.getLedger('westeurope'), first);
  });

  void it('replaceLedger needs the current ETag: a stale one is ConflictError and changes nothing', async () => {
    const stored = await t().store.ensureLedger('westeurope', 'weu');
    const member = {
      id: 'weu-001',
      region: 'westeurope',
      phase: 'active' as const,
      traffic: 'in-rotation' as const,
      probe: 'healthy' as const,
    };
    const updated = await t().store.replaceLedger(
      { ...stored.ledger, members: { 'weu-001': member }, lastScaleOutAt: T0 },
      stored.etag,
    );
    assert.notEqual(updated.etag, stored.etag);
    await assert.rejects(
      t().store.replaceLedger({ ...stored.ledger, members: {} }, stored.etag),
      ConflictError,
    );
    const read = await t().store.getLedger('westeurope');
    assert.deepEqual(read?.ledger.members, { 'weu-001': member });
    assert.equal(read?.ledger.lastScaleOutAt, T0);
  });

  void it('concurrent first uses of a new region create one ledger, which every caller gets', async () => {
    const stored = await Promise.all(
      Array.from({ length: 6 }, () => t().store.ensureLedger('uksouth', 'uks')),
    );
    assert.equal(new Set(stored.map((s) => s.etag)).size, 1);
    assert.deepEqual((await t().store.getLedger('uksouth'))?.ledger, {
      region: 'uksouth',
      code: 'uks',
      lastSeq: 0,
      members: {},
    });
  });

  void it('refuses a region or code that cannot be part of a document id', async () => {
    await assert.rejects(t().store.ensureLedger('west/europe', 'weu'), ValidationError);
    await assert.rejects(t().store.ensureLedger('westeurope', ''), ValidationError);
  });
});

void describe('CosmosStampStore: purge schedule by day bucket', () => {
  const t = storeSuite();

  const now = '2026-04-10T12:00:00.000Z';

  void it('lists only what is due at `now`, oldest due first', async () => {
    assert.deepEqual(await t().store.listPurgeDue(now), []);
    await t().store.schedulePurge('weu-004', '2026-04-10T18:00:00.000Z'); // today, later
    await t().store.schedulePurge('weu-003', '2026-04-10T06:00:00.000Z'); // today, earlier
    await t().store.schedulePurge('weu-002', '2026-04-09T23:59:59.000Z'); // yesterday
    await t().store.schedulePurge('weu-001', '2026-03-01T00:00:00.000Z'); // long overdue
    await t().store.schedulePurge('weu-005', '2026-05-10T00:00:00.000Z'); // next month
    assert.deepEqual(await t().store.listPurgeDue(now), ['weu-001', 'weu-002', 'weu-003']);
    assert.deepEqual(await t().store.listPurgeDue('2026-04-10T18:00:00.000Z'), [
      'weu-001',
      'weu-002',
      'weu-003',
      'weu-004',
    ]);
    assert.deepEqual(await t().store.listPurgeDue('2026-02-28T00:00:00.000Z'), []);
  });

  void it('scheduling again is idempotent; unscheduling removes the entry and prunes an emptied day', async () => {
    await t().store.schedulePurge('weu-002', '2026-04-09T23:59:59.000Z');
    assert.deepEqual(await t().store.listPurgeDue(now), ['weu-001', 'weu-002', 'weu-003']);
    await t().store.unschedulePurge('weu-002', '2026-04-09T23:59:59.000Z');
    await t().store.unschedulePurge('weu-001', '2026-03-01T00:00:00.000Z');
    assert.deepEqual(await t().store.listPurgeDue(now), ['weu-003']);
    const index = await t().raw.ledger.item('purge-index', 'purge-index').read<{ days: string[] }>();
    assert.deepEqual(index.resource?.days, ['2026-04-10', '2026-05-10']);
    const emptied = await t().raw.ledger.item('purge-due-2026-04-09', 'purge-due-2026-04-09').read();
    assert.equal(emptied.statusCode, 404);
    // Unscheduling what is not scheduled is a no-op.
    await t().store.unschedulePurge('weu-777', '2026-04-10T01:00:00.000Z');
    assert.deepEqual(await t().store.listPurgeDue(now), ['weu-003']);
  });

  void it('across many days, reads only the due ones and returns exactly the due stamps', async () => {
    const u = await harness.newStore();
    const start = Date.parse('2026-06-01T08:00:00.000Z');
    const ids = Array.from({ length: 90 }, (_, i) => `sea-${String(i + 1).padStart(3, '0')}`);
    // Every 12 hours from 08:00: two stamps a day (08:00, 20:00) over 45 days.
    await mapLimit([...ids.entries()], 8, ([i, id]) =>
      u.store.schedulePurge(id, new Date(start + i * 12 * 3_600_000).toISOString()),
    );
    // At day 20, 09:00: days 0..19 twice and day 20's 08:00 one are due, 41 in all.
    const due = await u.store.listPurgeDue('2026-06-21T09:00:00.000Z');
    assert.deepEqual(due, ids.slice(0, 41));
    const index = await u.raw.ledger.item('purge-index', 'purge-index').read<{ days: string[] }>();
    assert.equal(index.resource?.days.length, 45);
  });

  void it('concurrent schedules on one day all land', async () => {
    const u = await harness.newStore();
    const ids = Array.from({ length: 10 }, (_, i) => `eus-${String(i + 1).padStart(3, '0')}`);
    await Promise.all(ids.map((id, i) => u.store.schedulePurge(id, `2026-07-01T0${i}:00:00.000Z`)));
    assert.deepEqual(await u.store.listPurgeDue('2026-07-02T00:00:00.000Z'), ids);
  });

  void it('an entry scheduled while its day is being pruned is never lost', async () => {
    const u = await harness.newStore();
    for (let round = 0; round < 15; round += 1) {
      const dueAt = `2026-08-${String(round + 1).padStart(2, '0')}T10:00:00.000Z`;
      await u.store.schedulePurge('old', dueAt);
      await Promise.all([
        u.store.unschedulePurge('old', dueAt),
        u.store.schedulePurge(`new-${round}`, dueAt),
      ]);
      assert.deepEqual(await u.store.listPurgeDue(dueAt), [`new-${round}`], `round ${round}`);
      await u.store.unschedulePurge(`new-${round}`, dueAt);
      assert.deepEqual(await u.store.listPurgeDue(dueAt), [], `round ${round}`);
    }
    const index = await u.raw.ledger.item('purge-index', 'purge-index').read<{ days: string[] }>();
    assert.deepEqual(index.resource?.days, []);
  });

  void it('refuses a due time that is not an instant', async () => {
    await assert.rejects(t().store.schedulePurge('weu-009', 'next tuesday'), ValidationError);
  });
});

void describe('CosmosStampStore: stored documents that fail validation', () => {
  const t = storeSuite();

  void it('a stamp with a bad field is InvalidDocumentError naming the id and the field, on get and list', async () => {
    const { stamp } = newStampFixture('weu-101');
    await t().raw.stamps.items.create({ ...stamp, stampId: 'weu-101', type: 'stamp', phase: 'exploded' });
    const expectBadPhase = (err: unknown): boolean => {
      assert.ok(err instanceof InvalidDocumentError);
      assert.equal(err.documentId, 'weu-101');
      assert.equal(err.field, 'phase');
      return true;
    };
    await assert.rejects(t().store.get('weu-101'), expectBadPhase);
    await assert.rejects(t().store.list(), expectBadPhase);
  });

  void it('a missing field is never defaulted', async () => {
    const { stamp } = newStampFixture('weu-102');
    const { auditSeq: _dropped, ...withoutSeq } = stamp;
    await t().raw.stamps.items.create({ ...withoutSeq, stampId: 'weu-102', type: 'stamp' });
    await assert.rejects(t().store.get('weu-102'), (err: unknown) => {
      assert.ok(err instanceof InvalidDocumentError);
      assert.equal(err.field, 'auditSeq');
      assert.match(err.message, /weu-102/);
      return true;
    });
  });

  void it('a nested bad field is named by its path', async () => {
    const { stamp } = newStampFixture('weu-103');
    await t().raw.stamps.items.create({
      ...stamp,
      stampId: 'weu-103',
      type: 'stamp',
      cause: { ...stamp.cause, kind: 'gremlins' },
    });
    await assert.rejects(t().store.get('weu-103'), (err: unknown) => {
      assert.ok(err instanceof InvalidDocumentError);
      assert.equal(err.field, 'cause.kind');
      return true;
    });
  });

  void it('an audit record with a bad field is named by stamp and record id', async () => {
    const { stamp, audit } = newStampFixture('weu-104');
    await t().store.create(stamp, audit);
    await t().raw.stamps.items.create({
      ...audit,
      seq: 2,
      at: 'yesterday',
      id: 'audit-000002',
      type: 'audit',
    });
    await assert.rejects(t().store.history('weu-104'), (err: unknown) => {
      assert.ok(err instanceof InvalidDocumentError);
      assert.equal(err.documentId, 'weu-104/audit-000002');
      assert.equal(err.field, 'at');
      return true;
    });
  });

  void it('a ledger with a bad field is InvalidDocumentError naming it', async () => {
    await t().raw.ledger.items.create({
      id: 'region-eastus',
      type: 'ledger',
      region: 'eastus',
      code: 'eus',
      lastSeq: -1,
      members: {},
    });
    await assert.rejects(t().store.getLedger('eastus'), (err: unknown) => {
      assert.ok(err instanceof InvalidDocumentError);
      assert.equal(err.documentId, 'region-eastus');
      assert.equal(err.field, 'lastSeq');
      return true;
    });
    await assert.rejects(t().store.ensureLedger('eastus', 'eus'), InvalidDocumentError);
  });
});

void describe('CosmosStampStore: listing 2,000 stamps', () => {
  let t: StoreUnderTest;
  const regions = ['westeurope', 'eastus', 'southeastasia'] as const;
  const phases: Phase[] = ['provisioning', 'active', 'draining', 'archived', 'failed'];
  const expected = new Map<string, number>();
  const key = (region: string, phase: string): string => `${region}/${phase}`;

  before(async () => {
    t = await harness.newStore({ listPageSize: 400 });
    const fixtures = Array.from({ length: 2000 }, (_, i) => {
      const region = regions[i % 3] ?? 'westeurope';
      const phase = phases[Math.floor(i / 3) % 5] ?? 'active';
      expected.set(key(region, phase), (expected.get(key(region, phase)) ?? 0) + 1);
      return newStampFixture(`s-${String(i).padStart(4, '0')}`, { region, phase });
    });
    await mapLimit(fixtures, 16, ({ stamp, audit }) => t.store.create(stamp, audit));
  });

  void it('returns every stamp once, sorted by id', async () => {
    const all = await t.store.list();
    assert.equal(all.length, 2000);
    assert.equal(new Set(all.map((s) => s.id)).size, 2000);
    assert.equal(all[0]?.id, 's-0000');
    assert.equal(all[1999]?.id, 's-1999');
  });

  void it('filters by phase, by region, and by both, with exact counts', async () => {
    for (const phase of phases) {
      const byPhase = await t.store.list({ phase });
      const want = regions.reduce((sum, r) => sum + (expected.get(key(r, phase)) ?? 0), 0);
      assert.equal(byPhase.length, want, phase);
      assert.ok(byPhase.every((s) => s.phase === phase));
    }
    const weu = await t.store.list({ region: 'westeurope' });
    assert.equal(weu.length, 667);
    const weuActive = await t.store.list({ region: 'westeurope', phase: 'active' });
    assert.equal(weuActive.length, expected.get(key('westeurope', 'active')));
    assert.ok(weuActive.every((s) => s.region === 'westeurope' && s.phase === 'active'));
    assert.deepEqual(await t.store.list({ region: 'nowhere' }), []);
  });

  void it('pages through continuations in id order without losing or repeating a stamp', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.store.listPage(
        { region: 'eastus' },
        { limit: 150, ...(token === undefined ? {} : { continuation: token }) },
      );
      assert.ok(page.items.length <= 150);
      seen.push(...page.items.map((s) => s.id));
      token = page.continuation;
      pages += 1;
    } while (token !== undefined);
    assert.equal(seen.length, 667);
    assert.deepEqual(seen, [...seen].sort(), 'ordered by id across partitions');
    assert.deepEqual(
      seen,
      (await t.store.list({ region: 'eastus' })).map((s) => s.id),
    );
    assert.equal(pages, 5);
  });

  void it('refuses a continuation token it did not give out', async () => {
    await assert.rejects(
      t.store.listPage({}, { limit: 10, continuation: 'not-a-token' }),
      (error: unknown) => error instanceof ValidationError && /not one this API gave out/.test(error.message),
    );
    const first = await t.store.listPage({ region: 'eastus' }, { limit: 10 });
    await assert.rejects(
      t.store.listPage({ region: 'westeurope' }, { limit: 10, continuation: first.continuation }),
      (error: unknown) =>
        error instanceof ValidationError && /belongs to another listing/.test(error.message),
    );
  });
});

void describe('CosmosStampStore: a page of history', () => {
  void it("pages a stamp's audit records oldest first", async () => {
    const t = await harness.newStore();
    const { stamp, audit } = newStampFixture('weu-001');
    await t.store.create(stamp, audit);
    let stored = await t.store.get('weu-001');
    for (let seq = 2; seq <= 5 && stored !== undefined; seq += 1) {
      const { inbox, etag: inboxEtag } = await t.store.readInbox('weu-001');
      await t.store.commitBatch({
        stamp: { ...stored.stamp, auditSeq: seq },
        etag: stored.etag,
        audits: [{ ...audit, seq }],
        inbox,
        ...(inboxEtag === undefined ? {} : { inboxEtag }),
      });
      stored = await t.store.get('weu-001');
    }
    const first = await t.store.historyPage('weu-001', { limit: 2 });
    assert.deepEqual(
      first.items.map((a) => a.seq),
      [1, 2],
    );
    assert.ok(first.continuation !== undefined);
    const second = await t.store.historyPage('weu-001', { limit: 10, continuation: first.continuation });
    assert.deepEqual(
      second.items.map((a) => a.seq),
      [3, 4, 5],
    );
    assert.equal(second.continuation, undefined);
  });
});

void describe('mapCosmosError', () => {
  void it('maps the statuses a retry can get past to TransientError, keeping the cause', () => {
    for (const code of [408, 429, 449, 503]) {
      const cause = Object.assign(new Error('busy'), { code });
      const mapped = mapCosmosError(cause, 'read');
      assert.ok(mapped instanceof TransientError, String(code));
      assert.equal(mapped.code, `Cosmos${code}`);
      assert.equal(mapped.cause, cause);
    }
    assert.ok(
      mapCosmosError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'read') instanceof
        TransientError,
    );
    assert.ok(
      mapCosmosError(Object.assign(new Error('r'), { code: 'ECONNRESET' }), 'read') instanceof TransientError,
    );
  });

  void it('maps 412 and 409 to ConflictError, 404 to NotFoundError, and leaves the rest plain', () => {
    assert.ok(mapCosmosError({ code: 412 }, 'write') instanceof ConflictError);
    assert.ok(mapCosmosError({ code: 409 }, 'write') instanceof ConflictError);
    assert.ok(mapCosmosError({ statusCode: 404 }, 'write') instanceof NotFoundError);
    const other = mapCosmosError({ code: 400, message: 'bad' }, 'write');
    assert.equal(other.constructor, Error);
    assert.match(other.message, /^write: /);
  });
});
