import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCosmosSignalLog } from '../../shared/azure/cosmos/cosmosSignalLog';
import type { SignalLog, SignalRecord } from '../../shared/ports/signalLog';
import { perSuite } from '../support/lifetime';
import { type CosmosHarness, startCosmosHarness } from './support/embeddedStore';

/** The signal log against the embedded Cosmos server through the real SDK. */

const harness = perSuite(
  () => startCosmosHarness(),
  (r) => r.stop(),
);

async function newLog(): Promise<{
  log: SignalLog;
  raw: Awaited<ReturnType<CosmosHarness['newStore']>>['raw'];
}> {
  const { databaseName, raw } = await harness().newStore();
  return { log: createCosmosSignalLog({ client: harness().client, databaseName }), raw };
}

const ALERT_ID = '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/aaaa-bbbb';

function accepted(n: number, minute: number): SignalRecord {
  return {
    id: `alert:${ALERT_ID}-${n}:Fired`,
    outcome: 'accepted',
    receivedAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    via: 'alert-receiver',
    stampId: 'weu-001',
    alertId: `${ALERT_ID}-${n}`,
    signalType: 'HealthProbeFailed',
  };
}

describe('contract: CosmosSignalLog on the embedded server', () => {
  it('keeps the first record of an id (an Azure resource id, with slashes) and finds it by one read', async () => {
    const { log } = await newLog();
    const record = accepted(1, 0);
    assert.equal(await log.find(record.id), undefined);
    assert.equal(await log.record(record), true);
    assert.equal(await log.record({ ...record, outcome: 'unmatched', reason: 'later' }), false);
    assert.deepEqual(await log.find(record.id), record);
  });

  it('lists recent records newest first, since a time, by outcome, at most the limit', async () => {
    const { log } = await newLog();
    for (let n = 0; n < 5; n += 1) await log.record(accepted(n, n));
    await log.record({
      id: 'alert-rejected:abc',
      outcome: 'rejected',
      receivedAt: '2026-01-01T10:03:30.000Z',
      via: 'alert-receiver',
      reason: 'not an Azure Monitor common-alert-schema payload: data: expected object',
      sample: '{"data":1}',
    });
    const recent = await log.recent({ since: '2026-01-01T10:02:00.000Z', limit: 3 });
    assert.deepEqual(
      recent.map((r) => r.receivedAt),
      ['2026-01-01T10:04:00.000Z', '2026-01-01T10:03:30.000Z', '2026-01-01T10:03:00.000Z'],
    );
    const rejected = await log.recent({ since: '2026-01-01T00:00:00.000Z', limit: 10, outcome: 'rejected' });
    assert.deepEqual(
      rejected.map((r) => r.id),
      ['alert-rejected:abc'],
    );
    assert.equal(rejected[0]?.sample, '{"data":1}');
    assert.equal(await log.count('accepted', '2026-01-01T10:02:00.000Z'), 3);
    assert.equal(await log.count('rejected', '2026-01-01T10:02:00.000Z'), 1);
    assert.equal(await log.count('unmatched', '2026-01-01T00:00:00.000Z'), 0);
  });

  it('ignores the other documents of the container (processed event ids)', async () => {
    const { log, raw } = await newLog();
    await raw.events.items.create({
      id: 'ev-1',
      eventId: 'ev-1',
      type: 'event',
      at: '2026-01-01T10:00:00.000Z',
    });
    assert.deepEqual(await log.recent({ since: '2026-01-01T00:00:00.000Z', limit: 10 }), []);
  });

  it('refuses a stored record that does not match its schema, naming the field', async () => {
    const { log, raw } = await newLog();
    await log.record(accepted(9, 9));
    const { resources } = await raw.events.items.query("SELECT * FROM c WHERE c.type = 'signal'").fetchAll();
    const doc = resources[0] as Record<string, unknown>;
    await raw.events.items.upsert({ ...doc, outcome: 'maybe' });
    await assert.rejects(log.find(accepted(9, 9).id), /outcome/);
  });
});
