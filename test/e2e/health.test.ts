import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ISOLATED_AND_RETIRED } from '../support/lifecyclePaths';
import { type E2E, phasesOf, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

function published(plane: E2E, type: string): { subject: string; data: Record<string, unknown> }[] {
  return plane.published
    .filter((event) => event.type === type)
    .map((event) => ({ subject: event.subject, data: event.data as Record<string, unknown> }));
}

describe('end to end: health failures', () => {
  it('a failing stamp is isolated, a replacement is placed and becomes active, and the stamp is retired after the grace', async () => {
    e2e = await startE2E();
    const fail = await e2e.api('POST', '/sim/stamps/weu-002/fail');
    assert.equal(fail.status, 200);
    await e2e.advance(3);
    let stamp = await e2e.stamp('weu-002');
    assert.equal(stamp['traffic'], 'isolated');
    assert.equal(
      e2e.plane.sim.state().origins.find((o) => o.stampId === 'weu-002')?.enabledState,
      'Disabled',
    );
    assert.equal(stamp['replacedBy'], 'weu-005');
    const replacement = await e2e.stamp('weu-005');
    assert.equal(replacement['replacementFor'], 'weu-002');
    assert.equal(replacement['region'], 'westeurope', 'placed in the same region, past its max by the surge');

    await e2e.advance(30);
    assert.equal((await e2e.stamp('weu-005'))['phase'], 'active');
    stamp = await e2e.stamp('weu-002');
    assert.ok(
      ['draining', 'quarantined', 'decommissioning'].includes(String(stamp['phase'])),
      String(stamp['phase']),
    );
    await e2e.advance(60);
    stamp = await e2e.stamp('weu-002');
    assert.equal(stamp['phase'], 'archived');
    assert.deepEqual(phasesOf(stamp), ISOLATED_AND_RETIRED);
    const regions = (await e2e.api('GET', '/api/regions')).body['regions'] as {
      name: string;
      inRotation: number;
    }[];
    assert.equal(regions.find((r) => r.name === 'westeurope')?.inRotation, 4);
  });

  it('a stamp whose alert resolves within the grace rejoins rotation', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/stamps/eus-001/fail');
    await e2e.advance(3);
    assert.equal((await e2e.stamp('eus-001'))['traffic'], 'isolated');
    await e2e.api('POST', '/sim/stamps/eus-001/recover');
    await e2e.advance(4);
    const stamp = await e2e.stamp('eus-001');
    assert.equal(stamp['phase'], 'active');
    assert.equal(stamp['traffic'], 'in-rotation');
    assert.deepEqual(phasesOf(stamp), ['active/in-rotation', 'active/isolated', 'active/in-rotation']);
    assert.equal(e2e.plane.sim.state().origins.find((o) => o.stampId === 'eus-001')?.enabledState, 'Enabled');
    await e2e.advance(20);
    assert.equal((await e2e.stamp('eus-001'))['phase'], 'active', 'the grace timer was cancelled');
  });

  it('many stamps across regions alerting at once: none is isolated and an incident is raised (blast radius)', async () => {
    e2e = await startE2E();
    for (const id of ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'])
      await e2e.api('POST', `/sim/stamps/${id}/fail`);
    await e2e.advance(3);
    const stamps = (await e2e.api('GET', '/api/stamps')).body['stamps'] as { id: string; traffic: string }[];
    const isolated = stamps.filter((s) => s.traffic === 'isolated').map((s) => s.id);
    // Fired together, judged together: the correlation window sees all five (50% > 40%).
    assert.deepEqual(isolated, []);
    const incidents = published(e2e, 'Synaxis.Stamp.IncidentRaised').filter(
      (i) => i.data['incident'] === 'blast-radius',
    );
    assert.ok(incidents.length >= 1, 'an incident is raised');
    assert.match(String(incidents[0]?.data['detail']), /above maxUnhealthyPercent 40%/);
  });

  it('a region outage isolates that region and places the replacements elsewhere', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/regions/southeastasia/fail');
    await e2e.advance(3);
    const stamps = (await e2e.api('GET', '/api/stamps')).body['stamps'] as {
      id: string;
      region: string;
      traffic: string;
      replacementFor: string | null;
    }[];
    const sea = stamps.filter((s) => s.region === 'southeastasia');
    assert.deepEqual(
      sea.map((s) => s.traffic),
      ['isolated', 'isolated', 'isolated'],
    );
    const replacements = stamps.filter((s) => s.replacementFor !== null);
    assert.ok(replacements.length >= 1);
    assert.ok(
      replacements.every((r) => r.region !== 'southeastasia'),
      JSON.stringify(replacements),
    );
    const isolation = (await e2e.stamp('sea-001'))['isolation'] as { by: string };
    assert.equal(isolation.by, 'region-outage');
  });
});
