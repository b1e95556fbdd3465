import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { type E2E, startE2E } from './support/harness';

/**
 * The repros of issue 13 ("The fleet converges"), each as it was seen through the API, the CLI's
 * routes and /sim on the seeded local host, now as regression tests.
 */
let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

interface RegionRow {
  readonly name: string;
  readonly desired: number;
  readonly serving: number;
  readonly inRotation: number;
  readonly counts: Record<string, number>;
  readonly reconciler: { readonly actions: string[]; readonly heldBy: string[] } | null;
}

interface StampRow {
  readonly id: string;
  readonly region: string;
  readonly phase: string;
  readonly traffic: string;
  readonly replacementFor: string | null;
  readonly replacedBy: string | null;
}

async function regions(plane: E2E): Promise<RegionRow[]> {
  return (await plane.api('GET', '/api/regions')).body['regions'] as RegionRow[];
}

async function stamps(plane: E2E): Promise<StampRow[]> {
  return (await plane.api('GET', '/api/stamps')).body['stamps'] as StampRow[];
}

function region(rows: readonly RegionRow[], name: string): RegionRow {
  const found = rows.find((r) => r.name === name);
  assert.ok(found, name);
  return found;
}

const holding = (r: RegionRow): number =>
  ['provisioning', 'registering', 'active', 'draining'].reduce((n, p) => n + (r.counts[p] ?? 0), 0);

describe('the fleet converges (issue 13 repros)', () => {
  it('shrinks and never recovers: a region out of quota has its replacement placed in another region', async () => {
    e2e = await startE2E();
    // The simulated quota of eastus is max + 2 = 5 stamp resource groups, and a retired stamp
    // keeps its group until it is purged: two retirements spend it.
    for (const id of ['eus-001', 'eus-002']) {
      assert.equal((await e2e.api('POST', `/api/stamps/${id}/drain`, { reason: 'retire' })).status, 202);
      await e2e.advance(40);
    }
    assert.equal(region(await regions(e2e), 'eastus').serving, 3, 'both replaced at home');
    assert.equal((await e2e.api('POST', '/api/stamps/eus-003/drain', { reason: 'retire' })).status, 202);
    await e2e.advance(40);
    const all = await stamps(e2e);
    const replacement = all.find((s) => s.replacementFor === 'eus-003');
    assert.ok(replacement, JSON.stringify(all));
    assert.equal(replacement.region, 'westeurope', 'placed where there is quota, not failed at home');
    assert.equal(
      all.filter((s) => s.phase === 'failed').length,
      0,
      'no deployment was started only to be refused for quota',
    );
    const rows = await regions(e2e);
    assert.equal(
      rows.reduce((n, r) => n + r.serving, 0),
      10,
      'the fleet still serves 10',
    );
    const birth = ((await e2e.stamp(replacement.id))['history'] as { cause: { reason: string } }[])[0];
    assert.match(
      birth?.cause.reason ?? '',
      /eastus has no quota left for another stamp.*westeurope covers it/,
    );
  });

  it('a region outage: the deficit is covered elsewhere, and the region is rebuilt after it recovers', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/regions/southeastasia/fail');
    await e2e.advance(5);
    const during = await regions(e2e);
    assert.equal(region(during, 'southeastasia').inRotation, 0);
    assert.ok(
      (await stamps(e2e)).filter((s) => s.region !== 'southeastasia' && s.phase === 'provisioning').length >=
        2,
      'replacements placed in the other regions',
    );
    await e2e.advance(90);
    await e2e.api('POST', '/sim/regions/southeastasia/recover');
    // The region was blocked by its refused deployments (at most 30 minutes more), then rebuilt.
    await e2e.advance(90);
    const after = await regions(e2e);
    const sea = region(after, 'southeastasia');
    // Quota: 5 groups, and the three stamps lost in the outage keep theirs until purged.
    assert.ok(sea.serving >= 2, JSON.stringify(sea));
    assert.equal(
      after.reduce((n, r) => n + r.serving, 0),
      10,
      JSON.stringify(after),
    );
    assert.equal(
      after.reduce((n, r) => n + r.inRotation, 0),
      10,
      'ten stamps in rotation again',
    );
    for (const r of after) assert.ok(holding(r) <= 5, `${r.name} within max + surge`);
  });

  it('grows and blocks: a stamp that rejoins within the grace gives its replacement back', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/stamps/weu-002/fail');
    await e2e.advance(3);
    assert.equal((await e2e.stamp('weu-002'))['traffic'], 'isolated');
    assert.equal((await e2e.stamp('weu-002'))['replacedBy'], 'weu-005');
    await e2e.api('POST', '/sim/stamps/weu-002/recover');
    await e2e.advance(5);
    const rejoined = await e2e.stamp('weu-002');
    assert.equal(rejoined['traffic'], 'in-rotation');
    assert.equal(rejoined['replacedBy'], null, 'no longer "replaced by" a stamp it did not need');
    // The replacement is not cancelled half-built; once it serves, the newest stamp is retired.
    await e2e.advance(60);
    const weu = region(await regions(e2e), 'westeurope');
    assert.equal(weu.serving, 4, JSON.stringify(weu));
    assert.equal(weu.inRotation, 4);
    const fleet = await regions(e2e);
    assert.equal(
      fleet.reduce((n, r) => n + holding(r), 0),
      10,
      'the fleet holds 10 again, not 11',
    );
    assert.notEqual((await e2e.stamp('weu-005'))['phase'], 'active');
  });

  it('takes a region to zero: isolating the last stamps in rotation is refused, and an override needs a reason', async () => {
    e2e = await startE2E();
    const isolate = (id: string, body: Record<string, unknown>) =>
      e2e?.api('POST', `/api/stamps/${id}/isolate`, body) ?? Promise.reject(new Error('no plane'));
    assert.equal((await isolate('eus-001', { reason: 'suspect' })).status, 202);
    await e2e.advance(1);
    assert.equal((await isolate('eus-002', { reason: 'suspect' })).status, 202);
    await e2e.advance(1);
    const last = await isolate('eus-003', { reason: 'suspect' });
    assert.equal(last.status, 409, JSON.stringify(last.body));
    assert.equal(last.body['guard'], 'min-in-rotation');
    const noReason = await e2e.api('POST', '/api/stamps/eus-003/drain', { override: true });
    assert.equal(noReason.status, 400);
    assert.match(String(noReason.body['detail']), /an override needs a reason/);
    await e2e.advance(30);
    const eastus = region(await regions(e2e), 'eastus');
    assert.ok(eastus.inRotation >= 1, JSON.stringify(eastus));
    const replacements = (await stamps(e2e)).filter((s) => s.replacementFor?.startsWith('eus-') === true);
    assert.deepEqual(replacements.map((s) => s.replacementFor).sort(), ['eus-001', 'eus-002']);
  });

  it('accepted, then refused: a drain that the guard refuses later is in the stamp history', async () => {
    const plane = await startE2E();
    e2e = plane;
    const ids = ['weu-001', 'weu-002', 'weu-003', 'weu-004'];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        plane.api('POST', `/api/stamps/${ids[i % 4] ?? ''}/drain`, { reason: `batch ${i}` }),
      ),
    );
    for (const a of answers) assert.ok(a.status === 202 || a.status === 409, JSON.stringify(a.body));
    await e2e.advance(2);
    const weu = region(await regions(e2e), 'westeurope');
    assert.ok(weu.inRotation >= 1, 'never below the minimum in rotation');
    const kept = (await stamps(e2e)).filter((s) => ids.includes(s.id) && s.phase === 'active');
    assert.ok(kept.length >= 1);
    for (const stamp of kept) {
      const history = (await e2e.stamp(stamp.id))['history'] as { refused?: { guard: string } }[];
      assert.ok(
        history.some((h) => h.refused?.guard === 'min-in-rotation'),
        `${stamp.id} shows the refusal: ${JSON.stringify(history)}`,
      );
    }
  });

  it('drift both ways: an origin disabled behind the control plane is enabled again and reported', async () => {
    e2e = await startE2E();
    await e2e.plane.sim.setOriginEnabled('weu-001', false);
    await e2e.advance(6);
    assert.equal(e2e.plane.sim.state().origins.find((o) => o.stampId === 'weu-001')?.enabledState, 'Enabled');
    const incidents = e2e.published.filter(
      (e) =>
        e.type === 'Synaxis.Stamp.IncidentRaised' &&
        (e.data as { incident?: string }).incident === 'origin-drift',
    );
    assert.equal(incidents.length, 1);
  });

  it('dead ends: a failed stamp is cleaned up, an operator isolation rejoins, a drain is cancelled', async () => {
    e2e = await startE2E();
    e2e.plane.sim.failNextDeployment({ region: 'eastus', code: 'InvalidTemplateDeployment' });
    assert.equal((await e2e.api('POST', '/api/stamps/eus-003/drain', { reason: 'replace it' })).status, 202);
    await e2e.advance(25);
    const failed = (await stamps(e2e)).find((s) => s.phase === 'failed');
    assert.ok(failed, 'the replacement failed to deploy');
    const cleanup = await e2e.api('POST', `/api/stamps/${failed.id}/cleanup`, { reason: 'bad deployment' });
    assert.equal(cleanup.status, 202, JSON.stringify(cleanup.body));
    await e2e.advance(10);
    assert.ok(['decommissioning', 'archived'].includes(String((await e2e.stamp(failed.id))['phase'])));

    assert.equal((await e2e.api('POST', '/api/stamps/weu-001/isolate', { reason: 'look' })).status, 202);
    await e2e.advance(1);
    assert.equal((await e2e.stamp('weu-001'))['traffic'], 'isolated');
    const rejoin = await e2e.api('POST', '/api/stamps/weu-001/rejoin', { reason: 'looked: fine' });
    assert.equal(rejoin.status, 202, JSON.stringify(rejoin.body));
    await e2e.advance(1);
    assert.equal((await e2e.stamp('weu-001'))['traffic'], 'in-rotation');

    const drain = await e2e.api('POST', '/api/stamps/sea-001/drain', { reason: 'm', drainMinutes: 60 });
    assert.equal(drain.status, 202);
    await e2e.advance(2);
    assert.equal((await e2e.stamp('sea-001'))['phase'], 'draining');
    const cancel = await e2e.api('POST', '/api/stamps/sea-001/cancel-drain', { reason: 'wrong stamp' });
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    await e2e.advance(1);
    const back = await e2e.stamp('sea-001');
    assert.equal(back['phase'], 'active');
    assert.equal(back['traffic'], 'in-rotation');
    assert.equal(e2e.plane.sim.state().origins.find((o) => o.stampId === 'sea-001')?.enabledState, 'Enabled');
    await e2e.advance(70);
    assert.equal((await e2e.stamp('sea-001'))['phase'], 'active', 'the cancelled drain timer never fires');
  });
});
