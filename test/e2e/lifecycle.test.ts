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

    // The records are in immutable storage (Azurite behind the WORM stand-in), read back and verified.
    const archived = await e2e.api('GET', '/api/stamps/weu-001/archive');
    assert.equal(archived.status, 200, JSON.stringify(archived.body));
    assert.equal(archived.body['verified'], true, JSON.stringify(archived.body['problems']));
    assert.equal(archived.body['records'], 7, 'records 1-7: from requested to archived');
    assert.deepEqual(archived.body['hold'], { retainUntil: purgeDueAt, mode: 'Locked', legalHold: true });
    assert.match(String(archived.body['location']), /\/stamp-archives\/stamps\/weu-001\/archive\.json$/);
    const written = (stamp['history'] as { seq: number; archive?: { digest: string } }[]).at(-1);
    assert.equal(written?.seq, 8);
    assert.equal(written?.archive?.digest, archived.body['digest'], 'the digest is in the audit record');
    assert.deepEqual(stamp['archive'], {
      location: archived.body['location'],
      digest: archived.body['digest'],
      records: 7,
      retainUntil: purgeDueAt,
    });

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
      'archived',
      'purged',
    ]);
    // Purged: the archive stays, verified, and only its legal hold is gone (retention ended).
    const kept = await e2e.api('GET', '/api/stamps/weu-001/archive');
    assert.equal(kept.body['verified'], true, JSON.stringify(kept.body['problems']));
    assert.deepEqual(kept.body['hold'], { retainUntil: purgeDueAt, mode: 'Locked', legalHold: false });
    const rg = e2e.plane.sim.state().resourceGroups.find((g) => g.name === 'rg-synaxis-stamp-weu-001');
    assert.equal(rg?.state, 'Deleted');
    const overridden = (stamp['history'] as { cause: { overriddenGuard?: string } }[])[3]?.cause
      .overriddenGuard;
    assert.equal(overridden, 'min-in-rotation', 'the override is in the audit record');
  });
});
