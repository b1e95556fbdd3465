/**
 * The chaos console: each fault injected through `/sim/chaos`, shown in `GET /sim/state` while it
 * is active, doing to the control plane what the real failure would, and ended by a clear.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { perTest } from '../support/lifetime';
import { type E2E, startE2E } from './support/harness';

interface Fault {
  id: string;
  kind: string;
  until?: string;
  effect?: string;
}

async function faults(e2e: E2E): Promise<Fault[]> {
  return (await e2e.api('GET', '/sim/state')).body['chaos'] as Fault[];
}

async function inject(e2e: E2E, kind: string, body: Record<string, unknown> = {}): Promise<Fault> {
  const answer = await e2e.api('POST', `/sim/chaos/${kind}`, body);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body as unknown as Fault;
}

describe('end to end: the chaos console', () => {
  const e2e = perTest(
    () => startE2E(),
    (r) => r.stop(),
  );

  it('cosmos-throttling: the API answers 503 with Retry-After while it lasts, and works once cleared', async () => {
    const fault = await inject(e2e(), 'cosmos-throttling', { minutes: 10 });
    assert.equal(fault.id, 'cosmos-throttling');
    const throttled = await e2e().api('GET', '/api/stamps');
    assert.equal(throttled.status, 503, JSON.stringify(throttled.body));
    assert.equal(throttled.headers.get('retry-after'), '5');
    assert.match(String(throttled.body['detail']), /briefly unavailable \(Cosmos429\)/);
    const shown = await faults(e2e());
    assert.deepEqual(
      shown.map((f) => f.id),
      ['cosmos-throttling'],
    );
    assert.match(shown[0]?.effect ?? '', /[1-9]\d* store request\(s\) refused/);
    assert.equal((await e2e().api('POST', '/sim/chaos/cosmos-throttling/clear')).status, 200);
    assert.deepEqual(await faults(e2e()), []);
    assert.equal((await e2e().api('GET', '/api/stamps')).status, 200);
  });

  it('while the store is down, faults can still be cleared (with a key too), and a keyed control answers 503', async () => {
    await inject(e2e(), 'cosmos-unavailable', { minutes: 30 });
    const keyed = await e2e().api('POST', '/sim/clock/advance', { minutes: 1 }, { 'idempotency-key': 'k-1' });
    assert.equal(keyed.status, 503, JSON.stringify(keyed.body));
    assert.match(String(keyed.body['detail']), /nothing was changed/);
    const cleared = await e2e().api('POST', '/sim/chaos/clear', {}, { 'idempotency-key': 'k-2' });
    assert.deepEqual(cleared.body, { cleared: 1 });
    assert.equal((await e2e().api('GET', '/api/stamps')).status, 200);
  });

  it('cosmos-unavailable ends by itself after its minutes', async () => {
    await inject(e2e(), 'cosmos-unavailable', { minutes: 2 });
    assert.equal((await e2e().api('GET', '/api/stamps/weu-001')).status, 503);
    await e2e().advance(3);
    assert.deepEqual(await faults(e2e()), []);
    assert.equal((await e2e().api('GET', '/api/stamps/weu-001')).status, 200);
  });

  it('drop-alerts: a failing stamp is not isolated while its alert is lost', async () => {
    const fault = await inject(e2e(), 'drop-alerts', { minutes: 30 });
    assert.ok(fault.until !== undefined);
    await e2e().api('POST', '/sim/stamps/weu-002/fail');
    await e2e().advance(5);
    assert.equal((await e2e().stamp('weu-002'))['traffic'], 'in-rotation', 'nothing told the control plane');
    assert.match((await faults(e2e()))[0]?.effect ?? '', /[1-9]\d* alert\(s\) lost/);
  });

  it('duplicate-alerts: every alert arrives twice, the stamp is isolated once', async () => {
    await inject(e2e(), 'duplicate-alerts');
    await e2e().api('POST', '/sim/stamps/weu-002/fail');
    await e2e().advance(3);
    const stamp = await e2e().stamp('weu-002');
    assert.equal(stamp['traffic'], 'isolated');
    const history = stamp['history'] as { traffic?: { to: string } }[];
    assert.equal(history.filter((h) => h.traffic?.to === 'isolated').length, 1);
    const duplicates = (await e2e().api('GET', '/api/signals')).body['duplicates'] as { count: number };
    assert.ok(duplicates.count >= 1, JSON.stringify(duplicates));
  });

  it('delay-alerts: the isolation comes as late as the alert', async () => {
    await inject(e2e(), 'delay-alerts', { minutes: 30, delayMinutes: 10 });
    await e2e().api('POST', '/sim/stamps/weu-002/fail');
    await e2e().advance(5);
    assert.equal((await e2e().stamp('weu-002'))['traffic'], 'in-rotation', 'the alert is held back');
    assert.match((await faults(e2e()))[0]?.effect ?? '', /still held back/);
    await e2e().advance(10);
    assert.equal((await e2e().stamp('weu-002'))['traffic'], 'isolated');
  });

  it('clearing delay-alerts lets the held-back alerts go at once', async () => {
    await inject(e2e(), 'delay-alerts', { delayMinutes: 60 });
    await e2e().api('POST', '/sim/stamps/weu-002/fail');
    await e2e().advance(5);
    assert.equal((await e2e().stamp('weu-002'))['traffic'], 'in-rotation');
    assert.equal((await e2e().api('POST', '/sim/chaos/delay-alerts/clear')).status, 200);
    await e2e().advance(1);
    assert.equal((await e2e().stamp('weu-002'))['traffic'], 'isolated');
  });
});

describe('end to end: the chaos console on an empty fleet', () => {
  const e2e = perTest(
    () => startE2E({ seed: false }),
    (r) => r.stop(),
  );

  it('fail-next-deployment: the next stamp of the region fails, and the fault is used up', async () => {
    const fault = await inject(e2e(), 'fail-next-deployment', { region: 'eastus', code: 'QuotaExceeded' });
    assert.equal(fault.id, 'fail-next-deployment:eastus');
    assert.deepEqual(
      (await faults(e2e())).map((f) => f.id),
      ['fail-next-deployment:eastus'],
    );
    const created = await e2e().api('POST', '/api/stamps', { region: 'eastus' });
    assert.equal(created.status, 202);
    await e2e().advance(30);
    const stamp = await e2e().stamp(String(created.body['id']));
    assert.equal(stamp['phase'], 'failed');
    assert.match(JSON.stringify(stamp['history']), /QuotaExceeded/);
    assert.deepEqual(await faults(e2e()), [], 'used by the deployment');
  });

  it('arm-outage: the region is blocked once a deployment fails through every retry; another covers; it serves again after', async () => {
    await inject(e2e(), 'arm-outage', { region: 'eastus', minutes: 60 });
    const created = await e2e().api('POST', '/api/stamps', { region: 'eastus' });
    assert.equal(created.status, 202);
    const id = String(created.body['id']);
    await e2e().advance(5);
    const stamp = await e2e().stamp(id);
    assert.equal(stamp['phase'], 'failed');
    assert.match(JSON.stringify(stamp['history']), /ServiceUnavailable/);
    assert.match((await faults(e2e()))[0]?.effect ?? '', /[1-9]\d* ARM call\(s\) refused/);
    const regions = (await e2e().api('GET', '/api/regions')).body['regions'] as {
      name: string;
      blocked: { reason: string } | null;
    }[];
    assert.match(regions.find((r) => r.name === 'eastus')?.blocked?.reason ?? '', /ServiceUnavailable/);
    const stamps = (await e2e().api('GET', '/api/stamps')).body['stamps'] as {
      id: string;
      region: string;
      phase: string;
    }[];
    assert.equal(
      stamps.filter((s) => s.phase === 'failed').length,
      1,
      'one failure, not a stamp every few minutes',
    );
    assert.ok(
      stamps.some((s) => s.region !== 'eastus' && s.phase === 'provisioning'),
      'another region covers',
    );

    await e2e().api('POST', '/sim/chaos/arm-outage:eastus/clear');
    await e2e().advance(60);
    const after = (await e2e().api('GET', '/api/stamps?region=eastus')).body['stamps'] as { phase: string }[];
    assert.ok(
      after.some((s) => s.phase === 'active'),
      JSON.stringify(after),
    );
  });

  it('fail-quarantine-checks: a drained stamp stays quarantined with the failed checks', async () => {
    for (let i = 0; i < 2; i += 1) await e2e().api('POST', '/api/stamps', { region: 'westeurope' });
    await e2e().advance(40);
    await inject(e2e(), 'fail-quarantine-checks', { stampId: 'weu-001' });
    assert.deepEqual(
      (await faults(e2e())).map((f) => f.id),
      ['fail-quarantine-checks:weu-001'],
    );
    const drain = await e2e().api('POST', '/api/stamps/weu-001/drain', {
      reason: 'rehearsal',
      drainMinutes: 1,
    });
    assert.equal(drain.status, 202, JSON.stringify(drain.body));
    await e2e().advance(30);
    const stamp = await e2e().stamp('weu-001');
    assert.equal(stamp['phase'], 'quarantined');
    assert.match(JSON.stringify(stamp), /marked to fail by the simulation/);
    assert.equal((await e2e().api('POST', '/sim/chaos/fail-quarantine-checks:weu-001/clear')).status, 200);
    assert.deepEqual(await faults(e2e()), []);
  });

  for (const [path, body, status, detail] of [
    ['/sim/chaos/earthquake', {}, 404, /no chaos route .*cosmos-throttling/],
    ['/sim/chaos/arm-outage', {}, 400, /arm-outage needs a region/],
    ['/sim/chaos/arm-outage', { region: 'mars' }, 400, /mars/],
    ['/sim/chaos/fail-quarantine-checks', { stampId: 'weu-999' }, 404, /no stamp 'weu-999'/],
    ['/sim/chaos/cosmos-throttling', { minutes: 0 }, 400, /'minutes'/],
    ['/sim/chaos/cosmos-throttling', { minuets: 5 }, 400, /minuets/],
    ['/sim/chaos/drop-alerts/clear', {}, 404, /no chaos fault 'drop-alerts' is active/],
  ] as const) {
    it(`POST ${path} ${JSON.stringify(body)}: ${status}`, async () => {
      const answer = await e2e().api('POST', path, body);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.match(String(answer.body['detail']), detail);
      assert.deepEqual(await faults(e2e()), []);
    });
  }

  it('POST /sim/chaos/clear ends every fault at once', async () => {
    await inject(e2e(), 'drop-alerts');
    await inject(e2e(), 'arm-outage', { region: 'westeurope' });
    await inject(e2e(), 'fail-next-deployment', { region: 'eastus' });
    assert.equal((await faults(e2e())).length, 3);
    const cleared = await e2e().api('POST', '/sim/chaos/clear');
    assert.deepEqual(cleared.body, { cleared: 3 });
    assert.deepEqual(await faults(e2e()), []);
  });
});
