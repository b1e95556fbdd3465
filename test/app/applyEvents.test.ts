import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyEvents } from '../../shared/app/applyEvents';
import { fleetFromLedgers, readLedgers } from '../../shared/app/fleet';
import { submitOperatorEvent } from '../../shared/app/operatorCommands';
import { perSuite } from '../support/lifetime';
import { activeStamp, startAppHarness } from './support';

const harness = perSuite(
  () => startAppHarness(),
  (r) => r.stop(),
);

describe('applyEvents', () => {
  it('decides inbox events in order, commits transitions and consumes the inbox in one batch, and syncs the ledger', async () => {
    const svc = await harness().newServices();
    const a = await activeStamp(svc);
    // Five stamps in service, so one failing (20%) is a stamp failure, not a blast radius.
    await activeStamp(svc);
    await activeStamp(svc, 'eastus');
    await activeStamp(svc, 'eastus');
    await activeStamp(svc, 'southeastasia');
    await svc.store.enqueueEvent(a, {
      type: 'HealthProbeFailed',
      id: 'al-1:Fired',
      alertId: 'al-1',
      observedAt: '2026-05-01T00:00:00.000Z',
    });
    const waiting = await applyEvents(svc, { stampId: a, key: 'k-0' });
    assert.equal(waiting.traffic, 'in-rotation', 'the isolation waits for the correlation window');
    assert.deepEqual(
      waiting.effects.map((e) => e.kind),
      ['start-timer'],
    );
    assert.deepEqual(
      waiting.outcomes.map((o) => o.outcome),
      ['updated'],
    );
    await svc.clock.advance(60_000);
    const result = await applyEvents(svc, {
      stampId: a,
      key: 'k-1',
      event: { type: 'IsolationDecisionDue', id: 'decide-1' },
    });
    assert.equal(result.phase, 'active');
    assert.equal(result.traffic, 'isolated');
    assert.deepEqual(
      result.effects.map((e) => e.kind),
      // The stamp was ramping up: its ramp's bake stops while it is out of rotation.
      ['disable-origin', 'start-timer', 'cancel-timer', 'reconcile-fleet', 'publish-phase-changed'],
    );
    assert.deepEqual((await svc.store.readInbox(a)).inbox.pending, []);
    const history = await svc.store.history(a);
    assert.deepEqual(history.at(-1)?.traffic, { from: 'in-rotation', to: 'isolated' });
    const member = fleetFromLedgers(await readLedgers(svc.store, svc.config.policy)).members.find(
      (m) => m.id === a,
    );
    assert.deepEqual(member, {
      id: a,
      region: 'westeurope',
      phase: 'active',
      traffic: 'isolated',
      probe: 'failing',
      isolatedBy: 'alert',
      ramping: true,
      // Written as the isolation's claim, before its commit (docs/architecture.md §18).
      claimedAt: svc.clock.now().toISOString(),
    });
  });

  it('a re-run with the same key (the activity ran twice) returns the same effects and writes nothing new', async () => {
    const svc = await harness().newServices();
    const a = await activeStamp(svc);
    await activeStamp(svc);
    await svc.store.enqueueEvent(a, {
      type: 'DrainRequested',
      id: 'op-1',
      source: 'operator',
      actor: 'ana',
      reason: 'r',
    });
    const first = await applyEvents(svc, { stampId: a, key: 'same' });
    const historyLength = (await svc.store.history(a)).length;
    const second = await applyEvents(svc, { stampId: a, key: 'same' });
    assert.deepEqual(second.effects, first.effects);
    assert.equal((await svc.store.history(a)).length, historyLength);
    assert.equal(second.phase, 'draining');
  });

  it('a duplicate event already consumed is dropped at the door and never decided twice', async () => {
    const svc = await harness().newServices();
    const a = await activeStamp(svc);
    await activeStamp(svc);
    const event = {
      type: 'DrainRequested' as const,
      id: 'op-2',
      source: 'operator' as const,
      actor: 'ana',
      reason: 'r',
    };
    assert.equal(await svc.store.enqueueEvent(a, event), 'queued');
    await applyEvents(svc, { stampId: a, key: 'k1' });
    assert.equal(await svc.store.enqueueEvent(a, event), 'duplicate');
  });

  it('an operator drain of the last stamp in rotation is refused at once, naming the guard, and queues nothing', async () => {
    const svc = await harness().newServices();
    const only = await activeStamp(svc, 'eastus');
    const outcome = await submitOperatorEvent(svc, only, {
      type: 'DrainRequested',
      id: 'op-3',
      source: 'operator',
      actor: 'ana',
      reason: 'r',
    });
    assert.equal(outcome.kind, 'refused');
    assert.equal(outcome.kind === 'refused' ? outcome.guard : '', 'min-in-rotation');
    assert.deepEqual((await svc.store.readInbox(only)).inbox.pending, []);
  });

  it('an unknown stamp is reported as not found', async () => {
    const svc = await harness().newServices();
    assert.deepEqual(await applyEvents(svc, { stampId: 'weu-999', key: 'k' }), {
      found: false,
      effects: [],
      outcomes: [],
    });
    assert.deepEqual(await submitOperatorEvent(svc, 'weu-999', { type: 'OriginHealthy', id: 'x' }), {
      kind: 'not-found',
    });
  });

  it('five stamps failing at once, decided concurrently: at most four are isolated, the rest are held by the blast radius', async () => {
    const svc = await harness().newServices({ STAMPS_ALERT_CORRELATION_SECONDS: '0' });
    const ids: string[] = [];
    for (const region of [
      'westeurope',
      'westeurope',
      'westeurope',
      'westeurope',
      'eastus',
      'eastus',
      'eastus',
      'southeastasia',
      'southeastasia',
      'southeastasia',
    ]) {
      ids.push(await activeStamp(svc, region));
    }
    const failing = ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'];
    for (const id of failing) {
      await svc.store.enqueueEvent(id, {
        type: 'HealthProbeFailed',
        id: `${id}:Fired`,
        alertId: id,
        observedAt: '2026-05-01T00:00:00.000Z',
      });
    }
    const results = await Promise.all(
      failing.map((id) => applyEvents(svc, { stampId: id, key: `${id}-storm` })),
    );
    const outcomes = results.flatMap((r) => r.outcomes);
    // 4 of 10 is maxUnhealthyPercent (40%): whatever the order the decisions land in, a fifth
    // isolation would have had to count five failing stamps. A decision may count a failing
    // stamp of its own region that has not decided yet (its claim is in the ledger), and hold
    // where a serial order would have isolated: more cautious, never less.
    const isolated = outcomes.filter((o) => o.outcome === 'transition');
    const held = outcomes.filter((o) => o.outcome === 'refused');
    assert.equal(isolated.length + held.length, 5, JSON.stringify(outcomes));
    assert.ok(isolated.length >= 1 && isolated.length <= 4, JSON.stringify(outcomes));
    for (const refusal of held) assert.match(refusal.detail, /^blast-radius: 5 of 10 stamps/);
    const members = fleetFromLedgers(await readLedgers(svc.store, svc.config.policy)).members;
    assert.equal(members.filter((m) => m.traffic === 'isolated').length, isolated.length);
    assert.equal(members.filter((m) => m.heldBy === 'blast-radius').length, held.length);
    assert.equal(members.filter((m) => m.probe === 'failing').length, 5);
    const summary = (await svc.store.getFleetSummary()).regions;
    assert.deepEqual(
      Object.values(summary).reduce((sum, c) => sum + c.failing, 0),
      5,
      'the summary counts every failing stamp',
    );
    assert.equal(ids.length, 10);
  });
});
