/**
 * Idempotency-Key on every route that changes something: a retried pipeline step gets the first
 * answer back and changes nothing more; the same key for another request is a 422; the keys live
 * in the store, so a restarted (or another) host still knows them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { OPERATOR_COMMAND_NAMES } from '../../shared/lifecycle/operatorCommands';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { startEmbeddedCosmos } from '../../shared/local/cosmos';
import { LOCAL_ACTION_GROUP } from '../../shared/local/host/localIdentity';
import { LocalControlPlane } from '../../shared/local/localControlPlane';
import { perSuite, perTest } from '../support/lifetime';
import { type ApiAnswer, drive, type E2E, hostOnSharedStore, startE2E, T0 } from './support/harness';

const REPLAYED = 'idempotent-replayed';
const unmatchedAlert: unknown = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/alerts/budget.fired.json'), 'utf8'),
);

/** One request for each mutating route: the walk below sends each twice with one key. */
const MUTATIONS: readonly { route: string; method: string; path: string; body: unknown; as?: string }[] = [
  { route: 'POST stamps', method: 'POST', path: '/api/stamps', body: { region: 'eastus', reason: 'r' } },
  ...OPERATOR_COMMAND_NAMES.map((command) => ({
    route: `POST stamps/{id}/${command}`,
    method: 'POST',
    path: `/api/stamps/weu-002/${command}`,
    body: { reason: 'r' },
  })),
  {
    route: 'PUT regions/{name}',
    method: 'PUT',
    path: '/api/regions/eastus',
    body: { desired: 2, reason: 'r' },
  },
  {
    route: 'POST alerts',
    method: 'POST',
    path: '/api/alerts',
    body: unmatchedAlert,
    as: LOCAL_ACTION_GROUP.name,
  },
];

function sameAnswer(first: ApiAnswer, again: ApiAnswer): void {
  assert.equal(again.status, first.status);
  assert.deepEqual(again.body, first.body);
  assert.equal(again.location, first.location);
  assert.equal(again.contentType, first.contentType);
}

async function stampIds(e2e: E2E): Promise<string[]> {
  return (await e2e.plane.services.store.list()).map((stamp) => stamp.id).sort();
}

describe('end to end: Idempotency-Key on stamp requests', () => {
  const e2e = perTest(
    () =>
      startE2E({
        seed: false,
        env: { STAMPS_LOCAL_USERS: 'pipeline-a=Stamps.Operator,pipeline-b=Stamps.Operator' },
      }),
    (r) => r.stop(),
  );

  it('two POST /api/stamps with one key create one stamp and answer the same twice', async () => {
    const before = await stampIds(e2e());
    const key = { 'idempotency-key': 'xyz-1' };
    const first = await e2e().api('POST', '/api/stamps', { region: 'westeurope' }, key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.headers.get(REPLAYED), null);
    await e2e().advance(1);
    const again = await e2e().api('POST', '/api/stamps', { region: 'westeurope' }, key);
    sameAnswer(first, again);
    assert.equal(again.headers.get(REPLAYED), 'true');
    const after = await stampIds(e2e());
    assert.deepEqual(
      after.filter((id) => !before.includes(id)),
      [first.body['id']],
      'exactly one new stamp',
    );
  });

  it('the same key with another body is a 422 that changes nothing', async () => {
    const key = { 'idempotency-key': '"pipeline-run-7"' };
    assert.equal((await e2e().api('POST', '/api/stamps', { region: 'westeurope' }, key)).status, 202);
    const before = await stampIds(e2e());
    const other = await e2e().api('POST', '/api/stamps', { region: 'eastus' }, key);
    assert.equal(other.status, 422);
    assert.match(other.contentType, /^application\/problem\+json/);
    assert.match(String(other.body['detail']), /'pipeline-run-7' was already used for a different request/);
    assert.deepEqual(await stampIds(e2e()), before);
  });

  it("keys are the caller's: the same key from another signed-in principal is another request", async () => {
    const body = { region: 'westeurope' };
    const key = { 'idempotency-key': 'k-1' };
    const first = await e2e().api('POST', '/api/stamps', body, { ...key, ...e2e().as('pipeline-a') });
    assert.equal(first.status, 202);
    const again = await e2e().api('POST', '/api/stamps', body, { ...key, ...e2e().as('pipeline-a') });
    sameAnswer(first, again);
    assert.equal(again.headers.get(REPLAYED), 'true');
    const other = await e2e().api('POST', '/api/stamps', body, { ...key, ...e2e().as('pipeline-b') });
    assert.equal(other.status, 202);
    assert.notEqual(other.body['id'], first.body['id'], 'another caller, another stamp');
  });
});

describe('end to end: Idempotency-Key on a seeded fleet', () => {
  const e2e = perTest(
    () => startE2E(),
    (r) => r.stop(),
  );

  it('a drain retried with its key is one drain, one audit record', async () => {
    const key = { 'idempotency-key': 'drain-weu-003' };
    const first = await e2e().api('POST', '/api/stamps/weu-003/drain', { reason: 'patching' }, key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const again = await e2e().api('POST', '/api/stamps/weu-003/drain', { reason: 'patching' }, key);
    sameAnswer(first, again);
    const history = (await e2e().stamp('weu-003'))['history'] as { to: string }[];
    assert.equal(history.filter((h) => h.to === 'draining').length, 1);
    // Without the key the second drain is a new request, refused: the stamp is draining already.
    assert.equal((await e2e().api('POST', '/api/stamps/weu-003/drain', { reason: 'patching' })).status, 409);
  });

  it('a bad key is a 400 that does nothing', async () => {
    const before = await stampIds(e2e());
    const bad = await e2e().api('POST', '/api/stamps', {}, { 'idempotency-key': 'two words' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['detail']), /Idempotency-Key must be printable ASCII/);
    assert.deepEqual(await stampIds(e2e()), before);
  });

  it('every mutating route replays its first answer to a retry with the same key', async () => {
    const mutating = e2e()
      .plane.host.httpRoutes.filter((route) => !route.startsWith('GET '))
      .sort();
    assert.deepEqual(mutating, MUTATIONS.map((m) => m.route).sort(), 'each mutating route is walked');
    for (const [i, m] of MUTATIONS.entries()) {
      const key = { 'idempotency-key': `walk-${i}`, ...(m.as === undefined ? {} : e2e().as(m.as)) };
      const first = await e2e().api(m.method, m.path, m.body, key);
      assert.ok(first.status < 500, `${m.route}: ${first.status} ${JSON.stringify(first.body)}`);
      const again = await e2e().api(m.method, m.path, m.body, key);
      sameAnswer(first, again);
      assert.equal(again.headers.get(REPLAYED), 'true', m.route);
    }
  });

  it('the simulator too: a clock jump retried with its key jumps once', async () => {
    const key = { 'idempotency-key': 'jump-1' };
    const first = await e2e().api('POST', '/sim/clock/advance', { minutes: 10 }, key);
    assert.equal(first.status, 200);
    const again = await e2e().api('POST', '/sim/clock/advance', { minutes: 10 }, key);
    sameAnswer(first, again);
    assert.equal(again.headers.get(REPLAYED), 'true');
    assert.equal(e2e().clock.now().getTime() - T0.getTime(), 10 * 60_000);
    assert.equal((await e2e().api('POST', '/sim/clock/advance', { minutes: 5 }, key)).status, 422);
  });
});

describe('end to end: Idempotency-Key across hosts', () => {
  const cosmos = perSuite(
    () => startEmbeddedCosmos(),
    (r) => r.stop(),
  );

  it('a key sent to one host is known to the next one on the same store', async () => {
    const clock = new ManualClock(T0);
    const options = hostOnSharedStore(cosmos(), 'idempotency-hosts', clock);
    const key = { 'idempotency-key': 'across-hosts' };
    const firstHost = new LocalControlPlane(options);
    await firstHost.start();
    const first = await drive(firstHost, clock).api('POST', '/api/stamps', { region: 'eastus' }, key);
    assert.equal(first.status, 202);
    await firstHost.stop();

    const secondHost = new LocalControlPlane(options);
    await secondHost.start();
    try {
      const again = await drive(secondHost, clock).api('POST', '/api/stamps', { region: 'eastus' }, key);
      sameAnswer(first, again);
      assert.equal(again.headers.get(REPLAYED), 'true');
      assert.equal((await secondHost.services.store.list()).length, 1);
    } finally {
      await secondHost.stop();
    }
  });
});
