import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { type E2E, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

interface RegionAnswer {
  name: string;
  desired: number;
  serving: number;
  holding: number;
  spares: { target: number; ready: number; building: number; stamps: { id: string; phase: string }[] };
}

async function region(plane: E2E, name: string): Promise<RegionAnswer> {
  const answer = (await plane.api('GET', '/api/regions')).body['regions'] as RegionAnswer[];
  const found = answer.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no region ${name}`);
  return found;
}

const originOf = (plane: E2E, id: string) => plane.plane.sim.state().origins.find((o) => o.stampId === id);

describe('end to end: warm spares', () => {
  it('each region keeps a spare on standby: registered, its origin disabled, held against the max but not the desired count', async () => {
    e2e = await startE2E({ env: { STAMPS_SPARES_PER_REGION: '1' } });
    const weu = await region(e2e, 'westeurope');
    assert.deepEqual(
      {
        desired: weu.desired,
        serving: weu.serving,
        holding: weu.holding,
        ready: weu.spares.ready,
        target: weu.spares.target,
      },
      { desired: 3, serving: 3, holding: 4, ready: 1, target: 1 },
    );
    const spare = await e2e.stamp('weu-004');
    assert.deepEqual([spare['phase'], spare['traffic']], ['active', 'standby']);
    assert.equal(originOf(e2e, 'weu-004')?.enabledState, 'Disabled');
    await e2e.advance(30);
    const stamps = (await e2e.api('GET', '/api/stamps')).body['stamps'] as { id: string }[];
    assert.equal(stamps.length, 10, 'a full pool places nothing');
  });

  it('a failed stamp is replaced by promoting the spare within minutes, and the pool is refilled behind it', async () => {
    e2e = await startE2E({ env: { STAMPS_SPARES_PER_REGION: '1' } });
    await e2e.api('POST', '/sim/stamps/weu-001/fail');
    await e2e.advance(4);
    const failed = await e2e.stamp('weu-001');
    assert.equal(failed['traffic'], 'isolated');
    assert.equal(failed['replacedBy'], 'weu-004', 'the spare took over');
    const promoted = await e2e.stamp('weu-004');
    assert.deepEqual(
      [promoted['traffic'], promoted['replacementFor'], promoted['spare']],
      ['in-rotation', 'weu-001', null],
    );
    assert.equal(
      (promoted['ramp'] as { percent: number } | null)?.percent,
      1,
      'a promoted spare ramps like a new stamp',
    );
    assert.equal(originOf(e2e, 'weu-004')?.enabledState, 'Enabled');
    const history = promoted['history'] as {
      cause: { kind: string; reason: string };
      traffic?: { to: string };
    }[];
    const promotion = history.find((h) => h.traffic?.to === 'in-rotation');
    assert.equal(promotion?.cause.kind, 'replacement');
    assert.match(promotion?.cause.reason ?? '', /replaces weu-001/);

    const refill = await region(e2e, 'westeurope');
    assert.equal(refill.serving, 3, 'back at the desired count at once');
    assert.equal(refill.spares.building, 1, JSON.stringify(refill.spares));
    const newSpare = refill.spares.stamps.find((s) => s.id !== 'weu-004')?.id ?? '';
    await e2e.advance(30);
    const ready = await e2e.stamp(newSpare);
    assert.deepEqual([ready['phase'], ready['traffic']], ['active', 'standby']);
    assert.equal(originOf(e2e, newSpare)?.enabledState, 'Disabled', "a spare's origin stays disabled");
    assert.equal((await region(e2e, 'westeurope')).spares.ready, 1);
  });

  it('a spare past its maximum age is refreshed: a fresh one is built first, then the old one retired', async () => {
    e2e = await startE2E({ env: { STAMPS_SPARES_PER_REGION: '1', STAMPS_SPARE_MAX_AGE_HOURS: '1' } });
    await e2e.advance(65);
    const building = (await region(e2e, 'eastus')).spares;
    assert.equal(building.building, 1, JSON.stringify(building));
    assert.equal((await e2e.stamp('eus-003'))['traffic'], 'standby', 'the old spare stands by meanwhile');
    await e2e.advance(30);
    const old = await e2e.stamp('eus-003');
    assert.ok(
      ['draining', 'quarantined', 'decommissioning', 'archived'].includes(String(old['phase'])),
      String(old['phase']),
    );
    const pool = (await region(e2e, 'eastus')).spares;
    assert.equal(pool.ready, 1, JSON.stringify(pool));
    assert.notEqual(pool.stamps.find((s) => s.phase === 'active')?.id, 'eus-003');
  });
});
