import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyEvents } from '../../shared/app/applyEvents';
import { CLAIM_GRACE_MINUTES } from '../../shared/app/fleet';
import type { Services } from '../../shared/app/services';
import { reconcile } from '../../shared/app/sweeps';
import type { FleetMember } from '../../shared/lifecycle/fleet';
import type { DecisionBatch, StampStore } from '../../shared/ports/stampStore';
import { perSuite } from '../support/lifetime';
import { activeStamp, type AppHarness, startAppHarness } from './support';

type TestServices = Awaited<ReturnType<AppHarness['newServices']>>;

const harness = perSuite(
  () => startAppHarness(),
  (r) => r.stop(),
);

/** Four stamps in westeurope and three in eastus: one failing is a stamp failure, not a blast radius. */
async function fleet(svc: TestServices): Promise<string[]> {
  const ids: string[] = [];
  for (const region of ['westeurope', 'westeurope', 'westeurope', 'westeurope', 'eastus', 'eastus', 'eastus'])
    ids.push(await activeStamp(svc, region));
  return ids;
}

async function entry(svc: Services, id: string): Promise<FleetMember | undefined> {
  return (await svc.store.getLedger('westeurope'))?.ledger.members[id];
}

/** The store, with `beforeCommit` run when a decision for `stampId` is about to commit. */
function aroundCommit(
  store: StampStore,
  stampId: string,
  beforeCommit: (batch: DecisionBatch) => Promise<void>,
): StampStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'commitBatch') return Reflect.get(target, property, receiver) as unknown;
      return async (batch: DecisionBatch) => {
        if (batch.stamp.id === stampId) await beforeCommit(batch);
        return target.commitBatch(batch);
      };
    },
  });
}

const failure = (id: string) =>
  ({
    type: 'HealthProbeFailed',
    id: `${id}:Fired`,
    alertId: id,
    observedAt: '2026-05-01T00:00:00.000Z',
  }) as const;

describe('guard claims and what the guards can see before a commit (docs/architecture.md §18)', () => {
  it('a decision that gives capacity back (a rejoin) claims only what is true before its commit, and writes the rest after', async () => {
    const svc = await harness().newServices();
    const [a = ''] = await fleet(svc);
    await applyEvents(svc, {
      stampId: a,
      key: 'isolate',
      event: { type: 'IsolateRequested', id: 'op-isolate', actor: 'sre', reason: 'test' },
    });
    assert.equal((await entry(svc, a))?.traffic, 'isolated');
    let seenBeforeCommit: FleetMember | undefined;
    const watched = {
      ...svc,
      store: aroundCommit(svc.store, a, async () => {
        seenBeforeCommit = await entry(svc, a);
      }),
    };
    const result = await applyEvents(watched, {
      stampId: a,
      key: 'rejoin',
      event: { type: 'RejoinRequested', id: 'op-rejoin', actor: 'sre', reason: 'test' },
    });
    assert.equal(result.traffic, 'in-rotation');
    assert.equal(seenBeforeCommit?.traffic, 'isolated', 'no guard counted it in rotation before the commit');
    const after = await entry(svc, a);
    assert.equal(after?.traffic, 'in-rotation', 'written once committed');
    assert.equal(after?.claimedAt, undefined);
    const summary = (await svc.store.getFleetSummary()).regions['westeurope'];
    assert.deepEqual(summary, { base: 4, failing: 0, healthyInRotation: 4 });
  });

  it('the reconciliation sweep run between an isolation claim and its commit leaves the claim in place', async () => {
    const svc = await harness().newServices({ STAMPS_ALERT_CORRELATION_SECONDS: '0' });
    const [a = ''] = await fleet(svc);
    await svc.store.enqueueEvent(a, failure(a));
    let sweptBeforeCommit = false;
    const racing = {
      ...svc,
      store: aroundCommit(svc.store, a, async () => {
        // The claim is written; the sweep lists the stamp as still in rotation and healthy.
        await reconcile(svc);
        sweptBeforeCommit = true;
      }),
    };
    const result = await applyEvents(racing, { stampId: a, key: 'storm' });
    assert.ok(sweptBeforeCommit);
    assert.equal(result.traffic, 'isolated');
    const claimed = await entry(svc, a);
    assert.equal(claimed?.traffic, 'isolated', 'the sweep did not put the stamp back in rotation');
    assert.equal(claimed?.probe, 'failing');
    assert.deepEqual((await svc.store.getFleetSummary()).regions['westeurope'], {
      base: 4,
      failing: 1,
      healthyInRotation: 3,
    });
    // And a later sweep, with the commit in, finds nothing to repair.
    await reconcile(svc);
    assert.equal((await entry(svc, a))?.traffic, 'isolated');
  });

  it('a claim whose decision never committed is repaired by the sweep once older than the grace, not before', async () => {
    const svc = await harness().newServices({ STAMPS_ALERT_CORRELATION_SECONDS: '0' });
    const [a = ''] = await fleet(svc);
    await svc.store.enqueueEvent(a, failure(a));
    const crashing = {
      ...svc,
      store: aroundCommit(svc.store, a, () => Promise.reject(new Error('the worker stopped'))),
    };
    await assert.rejects(applyEvents(crashing, { stampId: a, key: 'lost' }), /the worker stopped/);
    assert.equal((await entry(svc, a))?.traffic, 'isolated', 'claimed');
    assert.equal((await svc.store.get(a))?.stamp.traffic, 'in-rotation', 'never committed');

    await svc.clock.advance((CLAIM_GRACE_MINUTES - 1) * 60_000);
    await reconcile(svc);
    assert.equal((await entry(svc, a))?.traffic, 'isolated', 'a young claim is left alone');

    await svc.clock.advance(2 * 60_000);
    await reconcile(svc);
    const repaired = await entry(svc, a);
    assert.equal(repaired?.traffic, 'in-rotation', 'an abandoned claim is repaired');
    assert.equal(repaired?.probe, 'healthy');
    assert.deepEqual((await svc.store.getFleetSummary()).regions['westeurope'], {
      base: 4,
      failing: 0,
      healthyInRotation: 4,
    });
  });
});
