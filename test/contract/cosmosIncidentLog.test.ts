import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { recordingIncidents } from '../../shared/app/incidents';
import { createCosmosIncidentLog, INCIDENT_TTL_SECONDS } from '../../shared/azure/cosmos/cosmosIncidentLog';
import { DEFAULT_CONTAINER_NAMES } from '../../shared/azure/cosmos/database';
import {
  STAMP_EVENT_TYPES,
  type StampCloudEvent,
  type StampCloudEventType,
} from '../../shared/ports/eventPublisher';
import type { IncidentRecord } from '../../shared/ports/incidentLog';
import { perSuite } from '../support/lifetime';
import { startCosmosHarness } from './support/embeddedStore';

/** The incident log against the embedded Cosmos server through the real SDK. */

const harness = perSuite(
  () => startCosmosHarness(),
  (r) => r.stop(),
);

async function newLog() {
  const { databaseName } = await harness().newStore();
  return { log: createCosmosIncidentLog({ client: harness().client, databaseName }), databaseName };
}

function incident(n: number, minute: number, stampId?: string): IncidentRecord {
  return {
    id: `incident-${n}`,
    kind: n % 2 === 0 ? 'blast-radius' : 'deployment-failed',
    ...(stampId === undefined ? {} : { stampId }),
    detail: `incident ${n}`,
    raisedAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  };
}

describe('contract: CosmosIncidentLog on the embedded server', () => {
  it('keeps the first record of an id and lists the recent ones newest first, within the window and limit', async () => {
    const { log } = await newLog();
    assert.equal(await log.record(incident(1, 1, 'weu-001')), true);
    assert.equal(
      await log.record({ ...incident(1, 1), detail: 'again' }),
      false,
      'a republished incident is the same one',
    );
    for (const [n, minute] of [
      [2, 5],
      [3, 9],
      [4, 3],
    ] as const)
      await log.record(incident(n, minute));
    const recent = await log.recent({ since: '2026-01-01T10:02:00.000Z', limit: 10 });
    assert.deepEqual(
      recent.map((i) => i.id),
      ['incident-3', 'incident-2', 'incident-4'],
    );
    assert.deepEqual(await log.recent({ since: '2026-01-01T10:00:00.000Z', limit: 2 }), [
      incident(3, 9),
      incident(2, 5),
    ]);
    const first = (await log.recent({ since: '2026-01-01T10:00:00.000Z', limit: 10 })).at(-1);
    assert.deepEqual(first, incident(1, 1, 'weu-001'), 'the first record stands, its stamp with it');
  });

  it('keeps a month, longer than the processed events beside it, and refuses an incident without an id', async () => {
    const { log, databaseName } = await newLog();
    await log.record(incident(7, 7));
    const { resources } = await harness()
      .client.database(databaseName)
      .container(DEFAULT_CONTAINER_NAMES.events)
      .items.query<{ type: string; ttl: number }>("SELECT * FROM c WHERE c.type = 'incident'")
      .fetchAll();
    assert.deepEqual(
      resources.map((d) => d.ttl),
      [INCIDENT_TTL_SECONDS],
    );
    await assert.rejects(log.record({ ...incident(8, 8), id: '' }), /an incident needs an id/);
  });

  it('recordingIncidents keeps each IncidentRaised before publishing it, and nothing else', async () => {
    const { log } = await newLog();
    const published: StampCloudEvent[] = [];
    const publisher = recordingIncidents(
      { publish: (events) => Promise.resolve(void published.push(...events)) },
      log,
    );
    const event = (
      type: StampCloudEventType,
      subject: string,
      id: string,
      data: unknown,
    ): StampCloudEvent => ({
      specversion: '1.0',
      id,
      type,
      source: '/synaxis/stamps',
      subject,
      time: '2026-01-01T10:30:00.000Z',
      datacontenttype: 'application/json',
      data,
    });
    await publisher.publish([
      event(STAMP_EVENT_TYPES.IncidentRaised, 'stamps/weu-003', 'e1', {
        incident: 'canary-worse',
        detail: 'errors 8%',
      }),
      event(STAMP_EVENT_TYPES.IncidentRaised, 'signals', 'e2', {
        incident: 'signals-not-accepted',
        detail: 'burst',
      }),
      event(STAMP_EVENT_TYPES.PhaseChanged, 'stamps/weu-003', 'e3', {}),
    ]);
    assert.equal(published.length, 3);
    const recent = await log.recent({ since: '2026-01-01T00:00:00.000Z', limit: 10 });
    assert.deepEqual(recent.map((i) => [i.id, i.kind, i.stampId ?? null, i.detail]).sort(), [
      ['e1', 'canary-worse', 'weu-003', 'errors 8%'],
      ['e2', 'signals-not-accepted', null, 'burst'],
    ]);
  });
});
