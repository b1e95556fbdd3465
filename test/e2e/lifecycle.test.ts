import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type E2E, phasesOf, startE2E } from './support/harness';

let e2e: E2E;
before(async () => {
  // Two days of retention keep the test short; the guard is the same for thirty.
  e2e = await startE2E({ seed: false, env: { STAMPS_RETENTION_DAYS: '2' } });
});
after(async () => {
  await e2e.stop();
});

describe('end to end: a stamp from request to purged', () => {
  it('is requested, provisioned, registered, drained, quarantined, decommissioned, archived and purged after retention', async () => {
    const created = await e2e.api('POST', '/api/stamps', { region: 'westeurope', reason: 'e2e' });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal(created.location, '/api/stamps/weu-001');
    assert.equal(created.body['phase'], 'provisioning');

    await e2e.advance(25);
    let stamp = await e2e.stamp('weu-001');
    assert.equal(stamp['phase'], 'active', JSON.stringify(stamp));
    assert.equal(stamp['traffic'], 'in-rotation');
    const origin = e2e.plane.sim.state().origins.find((o) => o.stampId === 'weu-001');
    assert.equal(origin?.enabledState, 'Enabled');

    // The only stamp of its region: the guard refuses, and an override with a reason passes.
    const refused = await e2e.api('POST', '/api/stamps/weu-001/drain', { reason: 'retire' });
    assert.equal(refused.status, 409);
    assert.equal(refused.contentType, 'application/problem+json');
    assert.equal(refused.body['guard'], 'min-in-rotation');
    const drain = await e2e.api('POST', '/api/stamps/weu-001/drain', {
      reason: 'retire',
      override: true,
      drainMinutes: 30,
    });
    assert.equal(drain.status, 202, JSON.stringify(drain.body));

    await e2e.advance(60);
    stamp = await e2e.stamp('weu-001');
    assert.ok(['decommissioning', 'archived'].includes(String(stamp['phase'])), String(stamp['phase']));
    await e2e.advance(30);
    stamp = await e2e.stamp('weu-001');
    assert.equal(stamp['phase'], 'archived');
    const purgeDueAt = (stamp['deadlines'] as Record<string, string>)['purgeDueAt'];
    assert.ok(purgeDueAt !== undefined);
    assert.equal(
      e2e.plane.sim.state().origins.some((o) => o.stampId === 'weu-001'),
      false,
      'origin removed in quarantine',
    );

    // Nothing is purged before retention: a day and 23 hours later it is still archived.
    await e2e.advanceCoarse(47 * 60, 60);
    assert.equal((await e2e.stamp('weu-001'))['phase'], 'archived');
    await e2e.advanceCoarse(2 * 60, 60);
    await e2e.advance(10);
    stamp = await e2e.stamp('weu-001');
    assert.equal(stamp['phase'], 'purged');
    assert.ok(Date.parse(String(stamp['purgedAt'])) >= Date.parse(purgeDueAt));
    assert.deepEqual(phasesOf(stamp), [
      'provisioning',
      'registering',
      'active/in-rotation',
      'draining/none',
      'quarantined',
      'decommissioning',
      'archived',
      'purged',
    ]);
    const rg = e2e.plane.sim.state().resourceGroups.find((g) => g.name === 'rg-synaxis-stamp-weu-001');
    assert.equal(rg?.state, 'Deleted');
    const overridden = (stamp['history'] as { cause: { overriddenGuard?: string } }[])[3]?.cause
      .overriddenGuard;
    assert.equal(overridden, 'min-in-rotation', 'the override is in the audit record');
  });
});
