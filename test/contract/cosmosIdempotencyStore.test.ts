import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  answerOnce,
  IDEMPOTENCY_LEASE_SECONDS,
  IDEMPOTENCY_RETENTION_HOURS,
} from '../../shared/app/idempotency/answerOnce';
import { createCosmosIdempotencyStore } from '../../shared/azure/cosmos/cosmosIdempotencyStore';
import { ConflictError, TransientError } from '../../shared/errors';
import { ManualClock } from '../../shared/local/clock/manualClock';
import type { IdempotencyRecord, IdempotencyStore, SavedAnswer } from '../../shared/ports/idempotencyStore';
import { perSuite } from '../support/lifetime';
import { startCosmosHarness } from './support/embeddedStore';

/** Idempotency records on the embedded Cosmos server through the real SDK, and `answerOnce` over them. */

const harness = perSuite(
  () => startCosmosHarness(),
  (r) => r.stop(),
);

async function newStore(): Promise<IdempotencyStore> {
  const { databaseName } = await harness().newStore();
  return createCosmosIdempotencyStore({ client: harness().client, databaseName });
}

const RECORD: IdempotencyRecord = {
  key: 'a'.repeat(64),
  fingerprint: 'f1',
  startedAt: '2026-06-01T00:00:00.000Z',
  leaseUntil: '2026-06-01T00:05:00.000Z',
  expiresAt: '2026-06-02T00:00:00.000Z',
};
const CREATED: SavedAnswer = {
  status: 202,
  headers: { 'content-type': 'application/json', location: '/api/stamps/weu-001' },
  body: '{"id":"weu-001"}',
};

describe('contract: CosmosIdempotencyStore on the embedded server', () => {
  it('creates a record once: a second create of the same key is a ConflictError', async () => {
    const store = await newStore();
    await store.put(RECORD);
    await assert.rejects(store.put(RECORD), ConflictError);
    assert.deepEqual((await store.find(RECORD.key))?.record, RECORD);
  });

  it('replaces If-Match, keeping the answer with its headers and body', async () => {
    const store = await newStore();
    const etag = await store.put(RECORD);
    await store.put({ ...RECORD, answer: CREATED }, etag);
    assert.deepEqual((await store.find(RECORD.key))?.record, { ...RECORD, answer: CREATED });
    await assert.rejects(store.put({ ...RECORD, fingerprint: 'f2' }, etag), ConflictError, 'stale ETag');
  });

  it('removes If-Match only', async () => {
    const store = await newStore();
    const etag = await store.put(RECORD);
    const newer = await store.put({ ...RECORD, answer: CREATED }, etag);
    await assert.rejects(store.remove(RECORD.key, etag), ConflictError);
    await store.remove(RECORD.key, newer);
    assert.equal(await store.find(RECORD.key), undefined);
  });
});

describe('answerOnce: at most one run per key, on the store', () => {
  const T0 = new Date('2026-06-01T00:00:00.000Z');

  async function setup(): Promise<{
    deps: { store: IdempotencyStore; clock: ManualClock; wallClock: () => number };
    /** Moves real time (the lease's), not the control plane's clock. */
    passWallTime: (ms: number) => void;
    runs: () => number;
    run: (answer?: SavedAnswer) => () => Promise<SavedAnswer>;
  }> {
    let count = 0;
    let wall = T0.getTime();
    return {
      deps: { store: await newStore(), clock: new ManualClock(T0), wallClock: () => wall },
      passWallTime: (ms) => {
        wall += ms;
      },
      runs: () => count,
      run:
        (answer = CREATED) =>
        () => {
          count += 1;
          return Promise.resolve(answer);
        },
    };
  }
  const request = { key: 'k'.repeat(64), fingerprint: 'f1' };

  it('runs once and replays the first answer to the same request', async () => {
    const { deps, runs, run } = await setup();
    assert.deepEqual(await answerOnce(deps, request, run()), { kind: 'answered', answer: CREATED });
    await deps.clock.advance(23 * 3600_000);
    assert.deepEqual(await answerOnce(deps, request, run({ ...CREATED, status: 500 })), {
      kind: 'replayed',
      answer: CREATED,
    });
    assert.equal(runs(), 1);
  });

  it('refuses the key for another request, and forgets it after the retention', async () => {
    const { deps, runs, run } = await setup();
    await answerOnce(deps, request, run());
    assert.deepEqual(await answerOnce(deps, { ...request, fingerprint: 'f2' }, run()), { kind: 'mismatch' });
    await deps.clock.advance(IDEMPOTENCY_RETENTION_HOURS * 3600_000);
    assert.equal((await answerOnce(deps, { ...request, fingerprint: 'f2' }, run())).kind, 'answered');
    assert.equal(runs(), 2);
  });

  it('answers in-flight while the first runs, and lets a retry take over once its lease ran out', async () => {
    const { deps, runs, run, passWallTime } = await setup();
    let finish: (answer: SavedAnswer) => void = () => undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = answerOnce(deps, request, () => {
      started();
      return new Promise<SavedAnswer>((resolve) => (finish = resolve));
    });
    await running;
    const second = await answerOnce(deps, request, run());
    assert.equal(second.kind, 'in-flight');
    assert.ok(second.kind === 'in-flight' && second.retryAfterSeconds >= 1);
    // The control plane's clock jumping (a simulated day) does not end the lease: real time does.
    await deps.clock.advance(3600_000);
    assert.equal((await answerOnce(deps, request, run())).kind, 'in-flight');
    passWallTime(IDEMPOTENCY_LEASE_SECONDS * 1000);
    assert.equal((await answerOnce(deps, request, run())).kind, 'answered', 'taken over');
    finish({ ...CREATED, body: '{"late":true}' });
    assert.equal((await first).kind, 'answered');
    // The take-over's answer stands; the late first run did not overwrite it.
    const replay = await answerOnce(deps, request, run());
    assert.deepEqual(replay.kind === 'replayed' ? replay.answer : undefined, CREATED);
    assert.equal(runs(), 1);
  });

  it('keeps no answer that says try again (5xx, 429) and none of a run that threw: the retry runs', async () => {
    const { deps, runs, run } = await setup();
    const unavailable = { status: 503, headers: {}, body: '{}' };
    assert.deepEqual(await answerOnce(deps, request, run(unavailable)), {
      kind: 'answered',
      answer: unavailable,
    });
    await answerOnce(deps, request, run({ status: 429, headers: {} }));
    await assert.rejects(
      answerOnce(deps, request, () => Promise.reject(new TransientError('store throttled'))),
      TransientError,
    );
    assert.equal((await answerOnce(deps, request, run())).kind, 'answered');
    assert.equal(runs(), 3);
  });

  it('keeps a refusal (4xx): a retry of the same refused request is refused the same way', async () => {
    const { deps, runs, run } = await setup();
    const refused = {
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
      body: '{"guard":"capacity"}',
    };
    await answerOnce(deps, request, run(refused));
    const again = await answerOnce(deps, request, run());
    assert.deepEqual(again.kind === 'replayed' ? again.answer : undefined, refused);
    assert.equal(runs(), 1);
  });

  it('once the work is done, its answer is given even when the store fails to keep it', async () => {
    const { deps, runs, run } = await setup();
    const failingSave: IdempotencyStore = {
      find: (key) => deps.store.find(key),
      remove: (key, etag) => deps.store.remove(key, etag),
      put: (record, etag) =>
        record.answer === undefined
          ? deps.store.put(record, etag)
          : Promise.reject(new TransientError('Cosmos answered 503', 'Cosmos503')),
    };
    const outcome = await answerOnce({ ...deps, store: failingSave }, request, run());
    assert.equal(outcome.kind, 'answered');
    assert.deepEqual(outcome.kind === 'answered' ? outcome.answer : undefined, CREATED);
    assert.match(outcome.kind === 'answered' ? (outcome.unsaved ?? '') : '', /Cosmos answered 503/);
    assert.equal(runs(), 1);
  });
});
