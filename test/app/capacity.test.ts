import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { fleetFromLedgers, readLedgers } from '../../shared/app/fleet';
import { provideReplacement } from '../../shared/app/replacement';
import { requestStamp } from '../../shared/app/requestStamp';
import { capacityCounts } from '../../shared/lifecycle/placement';
import type { Cause } from '../../shared/lifecycle/stamp';
import { type AppHarness, startAppHarness } from './support';

let harness: AppHarness;
before(async () => {
  harness = await startAppHarness();
});
after(async () => {
  await harness.stop();
});

const cause = (n: number): Cause => ({
  kind: 'operator',
  eventId: `req-${n}`,
  reason: 'test',
  actor: 'test',
});

describe('requestStamp: capacity under concurrent requests (guard 3)', () => {
  it('ten concurrent requests for westeurope (max 4) create exactly four stamps there, with distinct ids', async () => {
    const svc = await harness.newServices();
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
    const svc = await harness.newServices();
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
    const svc = await harness.newServices();
    const outcome = await requestStamp(svc, {
      placement: { region: 'eastus', allowOtherRegions: false },
      cause: cause(1),
    });
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
    const svc = await harness.newServices();
    const outcome = await requestStamp(svc, {
      placement: { region: 'mars', allowOtherRegions: true },
      cause: cause(1),
    });
    assert.equal(outcome.kind, 'unknown-region');
    assert.deepEqual(await svc.store.list(), []);
  });
});

describe('provideReplacement: at most one replacement per isolated stamp', () => {
  it('five concurrent deliveries of the same request create one replacement and record it on the failing stamp', async () => {
    const svc = await harness.newServices();
    const first = await requestStamp(svc, {
      placement: { region: 'westeurope', allowOtherRegions: false },
      cause: cause(1),
    });
    assert.equal(first.kind, 'created');
    if (first.kind !== 'created') return;
    const stored = await svc.store.get(first.stamp.id);
    assert.ok(stored);
    await svc.store.replace({ ...stored.stamp, phase: 'active', traffic: 'isolated' }, stored.etag);

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        provideReplacement(svc, {
          failingStampId: first.stamp.id,
          region: 'westeurope',
          excludeRegions: [],
          requestId: 'replace-weu-001',
        }),
      ),
    );
    const ids = new Set(outcomes.map((o) => (o.kind === 'created' ? o.stamp.id : o.kind)));
    assert.deepEqual([...ids], ['weu-002']);
    assert.equal((await svc.store.get('weu-001'))?.stamp.replacedBy, 'weu-002');
    assert.equal((await svc.store.get('weu-002'))?.stamp.replacementFor, 'weu-001');
    const westeurope = fleetFromLedgers(await readLedgers(svc.store, svc.config.policy)).members.filter(
      (m) => m.region === 'westeurope',
    );
    assert.deepEqual(westeurope.map((m) => m.id).sort(), ['weu-001', 'weu-002'], 'no leaked reservation');
  });

  it('a region-outage replacement is placed in the next region by priority', async () => {
    const svc = await harness.newServices();
    const first = await requestStamp(svc, {
      placement: { region: 'westeurope', allowOtherRegions: false },
      cause: cause(1),
    });
    assert.equal(first.kind, 'created');
    if (first.kind !== 'created') return;
    const stored = await svc.store.get(first.stamp.id);
    assert.ok(stored);
    await svc.store.replace({ ...stored.stamp, phase: 'active', traffic: 'isolated' }, stored.etag);
    const outcome = await provideReplacement(svc, {
      failingStampId: 'weu-001',
      region: 'westeurope',
      excludeRegions: ['westeurope'],
      requestId: 'r',
    });
    assert.equal(outcome.kind, 'created');
    assert.equal(outcome.kind === 'created' ? outcome.stamp.region : '', 'eastus');
  });
});
