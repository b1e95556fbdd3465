import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { type E2E, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

/** The seed fleet with room for a fifth stamp in westeurope, which the tests request. */
const ROOM = {
  STAMPS_REGIONS: 'westeurope:weu:1:5:4,eastus:eus:2:3,southeastasia:sea:3:3',
  STAMPS_TOTAL_MAX: '11',
};

interface RampView {
  step: number;
  percent: number;
  weight: number;
  paused: { actor: string; reason: string } | null;
  lastCanary: { verdict: string } | null;
}
interface HistoryRecord {
  to: string;
  traffic?: { to: string };
  cause: { kind: string; actor?: string; reason: string };
  ramp?: { from: number | null; to: number; weight: number };
  canary?: {
    verdict: string;
    reason: string;
    stamp: { requests: number; errorPercent: number };
    peers?: { stampIds: string[]; errorPercent: number };
  };
}

async function requestStamp(plane: E2E): Promise<string> {
  const created = await plane.api('POST', '/api/stamps', { region: 'westeurope', reason: 'ramp e2e' });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  return String(created.body['id']);
}

/** Advances a minute at a time until the stamp is active, and answers how long that took. */
async function untilActive(plane: E2E, id: string): Promise<number> {
  for (let minutes = 1; minutes <= 60; minutes += 1) {
    await plane.advance(1);
    if ((await plane.stamp(id))['phase'] === 'active') return minutes;
  }
  throw new Error(`${id} did not become active in an hour`);
}

const originOf = (plane: E2E, id: string) => plane.plane.sim.state().origins.find((o) => o.stampId === id);
const rampOf = async (plane: E2E, id: string) => (await plane.stamp(id))['ramp'] as RampView | null;
const historyOf = async (plane: E2E, id: string) => (await plane.stamp(id))['history'] as HistoryRecord[];

describe('end to end: the progressive traffic ramp', () => {
  it('a new stamp enters rotation at 1% of a full weight and steps to 10%, 50% and 100%, each after its bake and canary check', async () => {
    e2e = await startE2E({ env: ROOM });
    const id = await requestStamp(e2e);
    await untilActive(e2e, id);
    assert.equal(originOf(e2e, id)?.enabledState, 'Enabled');
    const first = await rampOf(e2e, id);
    assert.equal(first?.step, 1);
    assert.equal(first?.percent, 1);
    const weights: (number | undefined)[] = [originOf(e2e, id)?.weight];
    for (let step = 0; step < 3; step += 1) {
      await e2e.advance(10);
      weights.push(originOf(e2e, id)?.weight);
    }
    assert.deepEqual(weights, [10, 100, 500, 1000]);
    assert.equal(await rampOf(e2e, id), null, 'the ramp is over');

    const ramps = (await historyOf(e2e, id)).filter((h) => h.ramp !== undefined);
    assert.deepEqual(
      ramps.map((h) => [h.ramp?.from, h.ramp?.to, h.ramp?.weight, h.canary?.verdict]),
      [
        [null, 1, 10, undefined],
        [1, 10, 100, 'within'],
        [10, 50, 500, 'within'],
        [50, 100, 1000, 'within'],
      ],
    );
    const compared = ramps[1]?.canary;
    assert.deepEqual(compared?.peers?.stampIds, ['weu-001', 'weu-002', 'weu-003', 'weu-004']);
    assert.ok((compared?.stamp.requests ?? 0) > 0, 'the canary took traffic');
    assert.equal(ramps[1]?.cause.kind, 'canary');
  });

  it('a bad build is isolated at its first step, the comparison in its audit record, and replaced', async () => {
    e2e = await startE2E({ env: ROOM });
    const id = await requestStamp(e2e);
    await e2e.api('POST', '/sim/chaos/bad-stamp', { stampId: id });
    await untilActive(e2e, id);
    await e2e.advance(11);
    const stamp = await e2e.stamp(id);
    assert.equal(stamp['traffic'], 'isolated', JSON.stringify(stamp));
    assert.deepEqual(stamp['isolation'], { by: 'canary', at: (stamp['isolation'] as { at: string }).at });
    assert.equal(originOf(e2e, id)?.enabledState, 'Disabled');
    const record = (await historyOf(e2e, id)).find((h) => h.traffic?.to === 'isolated');
    assert.equal(record?.canary?.verdict, 'worse');
    assert.match(record?.canary?.reason ?? '', /5xx 8% against 0\.2% for weu-001, weu-002, weu-003, weu-004/);
    assert.equal(record?.cause.kind, 'canary');
    const incident = e2e.published.find(
      (e) =>
        e.type === 'Synaxis.Stamp.IncidentRaised' &&
        (e.data as { incident?: string }).incident === 'canary-worse',
    );
    assert.ok(incident !== undefined, 'an incident names the canary');
    assert.ok(
      e2e.logs.some((line) => line.includes(`warn incident canary-worse on stamps/${id}`)),
      'the local host logs the incident (nothing subscribes to it locally)',
    );
    const replacement = stamp['replacedBy'];
    assert.equal(typeof replacement, 'string', 'a replacement was placed');

    await e2e.advance(20);
    const retired = String((await e2e.stamp(id))['phase']);
    assert.ok(
      ['draining', 'quarantined', 'decommissioning'].includes(retired),
      `retired after the grace: ${retired}`,
    );
  });

  it('an operator pauses, continues and skips a ramp; each is audited with who and why', async () => {
    e2e = await startE2E({ env: ROOM });
    const id = await requestStamp(e2e);
    await untilActive(e2e, id);
    const dry = await e2e.api('POST', `/api/stamps/${id}/pause-ramp?dryRun=true`, { reason: 'first a look' });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body['outcome'], 'accepted');
    assert.equal((await rampOf(e2e, id))?.paused, null, 'a dry run pauses nothing');
    const pause = await e2e.api('POST', `/api/stamps/${id}/pause-ramp`, { reason: 'watching the new build' });
    assert.equal(pause.status, 202, JSON.stringify(pause.body));
    await e2e.advance(30);
    const paused = await rampOf(e2e, id);
    assert.equal(paused?.step, 1, 'a paused ramp stays at its step');
    assert.equal(paused?.paused?.reason, 'watching the new build');
    assert.equal(originOf(e2e, id)?.weight, 10);

    const again = await e2e.api('POST', `/api/stamps/${id}/pause-ramp`, { reason: 'twice' });
    assert.equal(again.status, 409);
    assert.equal(again.body['guard'], 'transition-table');

    await e2e.api('POST', `/api/stamps/${id}/continue-ramp`, { reason: 'looks fine' });
    await e2e.advance(10);
    assert.equal((await rampOf(e2e, id))?.step, 2, 'the step baked again, then went on');
    await e2e.api('POST', `/api/stamps/${id}/skip-ramp`, { reason: 'urgent capacity' });
    assert.equal(await rampOf(e2e, id), null);
    assert.equal(originOf(e2e, id)?.weight, 1000);

    // The first operator record is the stamp's request.
    const operatorRecords = (await historyOf(e2e, id)).filter((h) => h.cause.kind === 'operator').slice(1);
    assert.deepEqual(
      operatorRecords.map((h) => [h.cause.actor, h.cause.reason, h.ramp?.to]),
      [
        ['local-admin', 'watching the new build', 1],
        ['local-admin', 'looks fine', 1],
        ['local-admin', 'urgent capacity', 100],
      ],
    );
    const skipAgain = await e2e.api('POST', `/api/stamps/${id}/skip-ramp`, { reason: 'r' });
    assert.equal(skipAgain.status, 409, 'nothing to skip any more');
  });

  it('a ramp command needs a reason and the Operator role, like every command', async () => {
    e2e = await startE2E({ env: ROOM });
    const noReason = await e2e.api('POST', '/api/stamps/weu-001/pause-ramp', {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.contentType, 'application/problem+json');
    const approver = await e2e.api(
      'POST',
      '/api/stamps/weu-001/skip-ramp',
      { reason: 'r' },
      e2e.as('local-approver'),
    );
    assert.equal(approver.status, 403);
  });
});
