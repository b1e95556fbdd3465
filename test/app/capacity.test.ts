import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fleetFromLedgers, readLedgers, syncLedger } from '../../shared/app/fleet';
import { reconcileFleet } from '../../shared/app/fleetReconciler';
import { requestStamp } from '../../shared/app/requestStamp';
import type { Services } from '../../shared/app/services';
import { capacityCounts } from '../../shared/lifecycle/placement';
import type { Cause, Stamp } from '../../shared/lifecycle/stamp';
import { perSuite } from '../support/lifetime';
import { type AppHarness, startAppHarness, T0 } from './support';

const harness = perSuite(
  () => startAppHarness(),
  (r) => r.stop(),
);

const cause = (n: number): Cause => ({
  kind: 'operator',
  eventId: `req-${n}`,
  reason: 'test',
  actor: 'test',
});

/** An operator's request for a stamp in `region`. */
function requestIn(
  svc: Services,
  region: string,
  allowOtherRegions = false,
): ReturnType<typeof requestStamp> {
  return requestStamp(svc, { placement: { region, allowOtherRegions }, cause: cause(1) });
}

describe('requestStamp: capacity under concurrent requests (guard 3)', () => {
  it('ten concurrent requests for westeurope (max 4) create exactly four stamps there, with distinct ids', async () => {
    const svc = await harness().newServices();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        requestStamp(svc, { placement: { region: 'westeurope', allowOtherRegions: false }, cause: cause(i) }),
      ),
    );
    const created = outcomes.filter((o) => o.kind === 'created');
    assert.equal(created.length, 4);
    assert.equal(outcomes.filter((o) => o.kind === 'no-capacity').length, 6);
    assert.deepEqual(created.map((o) => (o.kind === 'created' ? o.stamp.id : '')).sort(), [
      'weu-001',
      'weu-002',
      'weu-003',
      'weu-004',
    ]);
    const counts = capacityCounts(fleetFromLedgers(await readLedgers(svc.store, svc.config.policy)));
    assert.equal(counts.get('westeurope'), 4);
  });

  it('with other regions allowed, twelve concurrent requests fill the fleet to its total of 10 and no more', async () => {
    const svc = await harness().newServices();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        requestStamp(svc, { placement: { allowOtherRegions: true }, cause: cause(i) }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.kind === 'created').length, 10);
    const counts = capacityCounts(fleetFromLedgers(await readLedgers(svc.store, svc.config.policy)));
    assert.deepEqual(Object.fromEntries(counts), { westeurope: 4, eastus: 3, southeastasia: 3 });
  });

  it('a new stamp starts provisioning with its deployment as the first effect and one audit record', async () => {
    const svc = await harness().newServices();
    const outcome = await requestIn(svc, 'eastus');
    assert.equal(outcome.kind, 'created');
    if (outcome.kind !== 'created') return;
    assert.equal(outcome.stamp.id, 'eus-001');
    assert.equal(outcome.stamp.phase, 'provisioning');
    assert.deepEqual(outcome.effects[0], {
      kind: 'start-deployment',
      stampId: 'eus-001',
      region: 'eastus',
      deploymentName: 'stamp-eus-001-1',
      generation: 1,
    });
    assert.equal((await svc.store.history('eus-001')).length, 1);
  });

  it('an unknown region is refused without writing anything', async () => {
    const svc = await harness().newServices();
    const outcome = await requestIn(svc, 'mars', true);
    assert.equal(outcome.kind, 'unknown-region');
    assert.deepEqual(await svc.store.list(), []);
  });
});

/** Regions that start empty, so that each case builds the fleet it is about. */
const EMPTY = { STAMPS_REGIONS: 'westeurope:weu:1:4:0,eastus:eus:2:3:0,southeastasia:sea:3:3:0' };

type TestServices = Awaited<ReturnType<AppHarness['newServices']>>;

async function stampIn(svc: TestServices, region: string, change: Partial<Stamp>, n: number): Promise<Stamp> {
  const created = await requestStamp(svc, {
    placement: { region, allowOtherRegions: false },
    cause: cause(n),
  });
  assert.equal(created.kind, 'created');
  if (created.kind !== 'created') throw new Error('not created');
  const stored = await svc.store.get(created.stamp.id);
  assert.ok(stored);
  const next: Stamp = { ...stored.stamp, phase: 'active', traffic: 'in-rotation', ...change };
  await svc.store.replace(next, stored.etag);
  await syncLedger(svc.store, svc.config.policy, next);
  return next;
}

const failingIsolated = (by: 'alert' | 'region-outage'): Partial<Stamp> => ({
  traffic: 'isolated',
  isolation: { by, at: T0.toISOString() },
  health: { probe: 'failing', alertId: 'a' },
});

describe('reconcileFleet: the fleet reconciler against the embedded store', () => {
  it('an isolated stamp is replaced once: the replacement names it, and a second run places nothing', async () => {
    const svc = await harness().newServices(EMPTY);
    await stampIn(svc, 'westeurope', {}, 1);
    await stampIn(svc, 'westeurope', failingIsolated('alert'), 2);
    const first = await reconcileFleet(svc, { requestId: 'r1', reason: 'test' });
    assert.deepEqual(
      first.placed.map((p) => [p.stamp.id, p.stamp.replacementFor, p.stamp.cause.kind]),
      [['weu-003', 'weu-002', 'reconciliation']],
    );
    const again = await reconcileFleet(svc, { requestId: 'r2', reason: 'test' });
    assert.deepEqual(again.placed, [], JSON.stringify(again.plan.actions));
    const ledger = (await svc.store.getLedger('westeurope'))?.ledger;
    assert.equal(ledger?.desired, 2, 'two requested stamps raised desired from 0 to 2');
    assert.deepEqual(ledger?.status?.heldBy, []);
  });

  it('stamps isolated by a region outage: the deficit is placed in the next region by priority', async () => {
    const svc = await harness().newServices({
      STAMPS_REGIONS: 'westeurope:weu:1:4:0,eastus:eus:2:3:0,southeastasia:sea:3:3:0',
    });
    await stampIn(svc, 'eastus', {}, 1);
    await stampIn(svc, 'westeurope', failingIsolated('region-outage'), 2);
    const run = await reconcileFleet(svc, { requestId: 'r1', reason: 'test' });
    assert.deepEqual(
      run.placed.map((p) => [p.stamp.id, p.stamp.region, p.stamp.replacementFor]),
      [['eus-002', 'eastus', 'weu-001']],
    );
    const weu = (await svc.store.getLedger('westeurope'))?.ledger.status;
    assert.match(weu?.actions[0] ?? '', /placed eus-002 for westeurope/);
  });

  it('a deployment refused for quota blocks its region: the deficit goes elsewhere, and the region says why', async () => {
    const svc = await harness().newServices(EMPTY);
    const failed = await stampIn(
      svc,
      'eastus',
      {
        phase: 'failed',
        traffic: 'none',
        deployment: { name: 'stamp-eus-001-1', error: 'QuotaExceeded: no cores left (after 1 attempt(s))' },
      },
      1,
    );
    const run = await reconcileFleet(svc, { requestId: 'r1', reason: 'test' });
    assert.deepEqual(
      run.placed.map((p) => [p.stamp.region, p.stamp.replacementFor]),
      [['westeurope', failed.id]],
    );
    const eastus = (await svc.store.getLedger('eastus'))?.ledger;
    assert.equal(eastus?.block?.failures, 1);
    assert.match(eastus?.block?.reason ?? '', /QuotaExceeded/);
    assert.match(
      eastus?.status?.actions.join(' ') ?? '',
      /for eastus: .*eastus is blocked until .*QuotaExceeded/,
    );
  });

  it('a failed stamp past the clean-up time is cleaned up, once', async () => {
    const svc = await harness().newServices({ ...EMPTY, STAMPS_FAILED_CLEANUP_MINUTES: '30' });
    await stampIn(svc, 'westeurope', { phase: 'failed', traffic: 'none', phaseSince: T0.toISOString() }, 1);
    await svc.clock.advance(29 * 60_000);
    assert.deepEqual((await reconcileFleet(svc, { requestId: 'r1', reason: 't' })).woken, []);
    await svc.clock.advance(60_000);
    assert.deepEqual((await reconcileFleet(svc, { requestId: 'r2', reason: 't' })).woken, ['weu-001']);
    await reconcileFleet(svc, { requestId: 'r3', reason: 't' });
    const inbox = await svc.store.readInbox('weu-001');
    assert.deepEqual(
      inbox.inbox.pending.map((e) => e.type),
      ['CleanupRequested'],
      'a second run asks for the same clean-up, which the inbox drops',
    );
  });

  it('a surplus is retired newest first, by a drain request in its inbox that names the reconciler', async () => {
    const svc = await harness().newServices(EMPTY);
    for (let n = 1; n <= 3; n += 1) await stampIn(svc, 'westeurope', {}, n);
    const stored = await svc.store.ensureLedger('westeurope', 'weu');
    await svc.store.replaceLedger({ ...stored.ledger, desired: 2 }, stored.etag);
    const run = await reconcileFleet(svc, { requestId: 'r1', reason: 'test' });
    assert.deepEqual(run.woken, ['weu-003']);
    const pending = (await svc.store.readInbox('weu-003')).inbox.pending;
    assert.equal(pending[0]?.type, 'DrainRequested');
    assert.equal(pending[0]?.type === 'DrainRequested' ? pending[0].source : '', 'reconciler');
  });
});
