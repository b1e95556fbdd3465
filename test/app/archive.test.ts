import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyEvents } from '../../shared/app/applyEvents';
import { archiveStamp } from '../../shared/app/archive/archiveStamp';
import { verifyArchive } from '../../shared/app/archive/verifyArchive';
import { requestStamp } from '../../shared/app/requestStamp';
import type { ArchiveState, StampEvent } from '../../shared/lifecycle';
import { perSuite } from '../support/lifetime';
import { type AppHarness, startAppHarness } from './support';

/**
 * Archiving through the app layer on the embedded Cosmos DB and Azurite with the WORM stand-in:
 * a retired stamp's archive is written, verified when read back, shows tampering with the store,
 * and a retried write changes nothing.
 */
const harness = perSuite(
  () => startAppHarness(),
  (r) => r.stop(),
);
type Svc = Awaited<ReturnType<AppHarness['newServices']>>;
const operator = { actor: 'ana', reason: 'retire', override: true };

async function archivedStamp(svc: Svc): Promise<string> {
  const outcome = await requestStamp(svc, {
    placement: { region: 'westeurope', allowOtherRegions: false },
    cause: { kind: 'operator', eventId: 'create-1', reason: 'archive test' },
  });
  assert.equal(outcome.kind, 'created');
  const id = outcome.kind === 'created' ? outcome.stamp.id : '';
  const events: StampEvent[] = [
    { type: 'DeploymentSucceeded', id: 'd', originHostName: `${id}.example` },
    { type: 'OriginHealthy', id: 'h' },
    { type: 'DrainRequested', id: 'drain', source: 'operator', ...operator },
  ];
  for (const [index, event] of events.entries())
    await applyEvents(svc, { stampId: id, key: `k${index}`, event });
  const drainId = (await svc.store.get(id))?.stamp.drain?.id ?? '';
  const rest: StampEvent[] = [
    { type: 'InFlightDrained', id: 'zero', drainId },
    { type: 'QuarantineChecksCompleted', id: 'checks', passed: true, detail: 'passed' },
    { type: 'DecommissionCompleted', id: 'gone' },
  ];
  for (const [index, event] of rest.entries()) {
    await svc.clock.advance(60_000);
    await applyEvents(svc, { stampId: id, key: `r${index}`, event });
  }
  assert.equal((await svc.store.get(id))?.stamp.phase, 'archived');
  return id;
}

/** The orchestration's next step after the write: the archive goes on record. */
async function recordArchive(svc: Svc, id: string, archive: ArchiveState): Promise<void> {
  await applyEvents(svc, {
    stampId: id,
    key: 'a',
    event: { type: 'RecordsArchived', id: 'arch', ...archive },
  });
}

async function verify(svc: Svc, id: string) {
  const stamp = (await svc.store.get(id))?.stamp;
  assert.ok(stamp !== undefined);
  return verifyArchive(svc, stamp, await svc.store.history(id));
}

describe('app: archiving a retired stamp', () => {
  it('writes the archive, records where and its digest, and verifies it when read back', async () => {
    const svc = await harness().newServices();
    const id = await archivedStamp(svc);
    assert.equal(await verify(svc, id), undefined, 'nothing to verify before the archive is written');

    const archive = await archiveStamp(svc, id);
    assert.equal(archive.records, 7);
    assert.deepEqual(await archiveStamp(svc, id), archive, 'a retried write answers the same');
    await recordArchive(svc, id, archive);

    const verification = await verify(svc, id);
    assert.equal(verification?.verified, true, JSON.stringify(verification?.problems));
    assert.equal(verification?.document?.records.length, 7);
    assert.equal(verification?.document?.quarantine?.checks, 'passed');
    assert.deepEqual(verification?.hold, {
      retainUntil: archive.retainUntil,
      mode: 'Locked',
      legalHold: true,
    });
    const history = await svc.store.history(id);
    assert.deepEqual(history.at(-1)?.archive, archive, 'the audit record holds the location and digest');
  });

  it('keeps the archive at least until the purge when the purge date has milliseconds (blob dates are whole seconds)', async () => {
    const svc = await harness().newServices();
    await svc.clock.advance(123);
    const id = await archivedStamp(svc);
    const purgeDueAt = (await svc.store.get(id))?.stamp.deadlines.purgeDueAt ?? '';
    assert.match(purgeDueAt, /\.123Z$/);
    const archive = await archiveStamp(svc, id);
    assert.match(archive.retainUntil, /\.000Z$/);
    assert.equal(Date.parse(archive.retainUntil) - Date.parse(purgeDueAt), 877, 'rounded up, never down');
    await recordArchive(svc, id, archive);
    const verification = await verify(svc, id);
    assert.equal(verification?.verified, true, JSON.stringify(verification?.problems));
  });

  it('shows a record changed in the store after it was archived', async () => {
    const svc = await harness().newServices();
    const id = await archivedStamp(svc);
    const archive = await archiveStamp(svc, id);
    await recordArchive(svc, id, archive);

    const stamps = harness().client.database(svc.databaseName).container('stamps');
    const { resource } = await stamps.item('audit-000004', id).read<Record<string, unknown>>();
    assert.ok(resource !== undefined);
    await stamps.items.upsert({
      ...resource,
      cause: { kind: 'operator', eventId: 'x', reason: 'nobody drained it' },
    });

    const verification = await verify(svc, id);
    assert.equal(verification?.verified, false);
    assert.deepEqual(verification?.problems, ['audit record 4 in the store differs from the archived one']);
  });
});
