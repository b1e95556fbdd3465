import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { applyEvents } from '../../../shared/app/applyEvents';
import { verifyArchive } from '../../../shared/app/archive/verifyArchive';
import { ACTIVITIES, type ActivityName } from '../../../shared/app/orchestration/activities';
import { requestStamp } from '../../../shared/app/requestStamp';
import type { Services } from '../../../shared/app/serviceTypes';
import { SignalCounts } from '../../../shared/app/signalCounts';
import { ARM_SCOPE, createAzureAdapters, createBlobRecordArchive } from '../../../shared/azure';
import {
  createCosmosIdempotencyStore,
  createCosmosIncidentLog,
  createCosmosSignalLog,
  createCosmosStampStore,
  ensureStampsDatabase,
} from '../../../shared/azure/cosmos';
import { FLUX_CONFIGURATION, stampResources } from '../../../shared/azure/operations';
import { TerminalError } from '../../../shared/errors';
import type { StampEvent } from '../../../shared/lifecycle';
import { ManualClock } from '../../../shared/local/clock/manualClock';
import { startLocalBlobStorage } from '../../../shared/local/storage';
import { QUARANTINE_CHECKS } from '../../../shared/ports/stampOperations';
import { RecordingBus, RecordingPublisher } from '../../app/support';
import { startCosmosWithClient } from '../../support/embeddedCosmosClient';
import { perSuite } from '../../support/lifetime';
import { armStandInSuite } from './support/armSuite';
import { azureConfig, StaticTokenCredential, SUBSCRIPTION_ID, WORKSPACE_ID } from './support/fixtures';
import { addStampStandIn, type StampStandIn } from './support/stampStandIn';

/**
 * A whole retirement through the Azure adapters: drain, in-flight requests to zero, quarantine
 * (diagnostics preserved, the four checks), decommission (the Flux configuration deleted),
 * archive (an immutable blob on Azurite with the WORM stand-in) and purge (the legal hold
 * released after retention). The activities run in the orchestration's order, each through the
 * same table the orchestrator calls, against the ARM and Azure Monitor stand-ins; the stamp
 * store is Cosmos DB (embedded) through the real SDK.
 */
const T0 = new Date('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;

describe('contract: a stamp retired on the Azure adapters, from drain to purge', () => {
  let stand: StampStandIn;
  const arm = armStandInSuite((a) => {
    a.extraRoutes.length = 0;
    stand = addStampStandIn(a);
  });
  const cosmos = perSuite(
    () => startCosmosWithClient(),
    async (c) => {
      c.client.dispose();
      await c.cosmos.stop();
    },
  );
  const clock = new ManualClock(T0);
  const blobs = perSuite(
    () => startLocalBlobStorage({ clock, wormContainers: ['stamp-archives'] }),
    (s) => s.stop(),
  );

  async function services(): Promise<Services> {
    const config = azureConfig();
    const { client } = cosmos();
    const databaseName = 'retirement';
    await ensureStampsDatabase(client, { databaseName });
    const storage = blobs();
    const container = new BlobServiceClient(
      storage.accountUrl,
      new StorageSharedKeyCredential(storage.accountName, storage.accountKey),
    ).getContainerClient(config.archiveContainer);
    await container.createIfNotExists();
    const adapters = createAzureAdapters(config, {
      credential: new StaticTokenCredential(),
      arm: { endpoint: arm().endpoint, credentialScopes: [ARM_SCOPE], agent: arm().agent },
      logs: { endpoint: `${arm().endpoint}v1`, agent: arm().agent },
      clock,
      updateIntervalInMs: 5,
    });
    return {
      config,
      clock,
      store: createCosmosStampStore({ client, databaseName }),
      deployer: adapters.deployer,
      traffic: adapters.trafficManager,
      originHealth: adapters.originHealthProbe,
      bus: new RecordingBus(),
      events: new RecordingPublisher(),
      operations: adapters.stampOperations,
      originMetrics: adapters.originMetrics,
      archive: createBlobRecordArchive({ container: () => Promise.resolve(container), clock }),
      signals: createCosmosSignalLog({ client, databaseName }),
      idempotency: createCosmosIdempotencyStore({ client, databaseName }),
      signalCounts: new SignalCounts(T0.toISOString()),
      incidents: createCosmosIncidentLog({ client, databaseName }),
      stampMetrics: adapters.stampMetrics,
    };
  }

  /** One activity as the orchestrator runs it: the input parsed by the activity's own schema. */
  function run<N extends ActivityName>(svc: Services, name: N, input: unknown) {
    const activity = ACTIVITIES[name];
    return activity.run(svc, activity.input.parse(input) as never) as ReturnType<
      (typeof ACTIVITIES)[N]['run']
    >;
  }

  it('drains, quarantines, decommissions, archives and purges, and the archive verifies', async () => {
    const svc = await services();
    let seq = 0;
    const apply = async (stampId: string, event: StampEvent) => {
      seq += 1;
      return applyEvents(svc, { stampId, key: `k${seq}`, event });
    };
    const created = await requestStamp(svc, {
      placement: { region: 'westeurope', allowOtherRegions: false },
      cause: { kind: 'operator', eventId: 'c1', reason: 'retirement test' },
    });
    assert.equal(created.kind, 'created');
    const id = created.kind === 'created' ? created.stamp.id : '';
    const host = `${id}.example.net`;
    const { clusterId } = stampResources(SUBSCRIPTION_ID, id);
    stand.clusters.add(clusterId.toLowerCase());
    stand.fluxConfigurations.set(
      clusterId.toLowerCase(),
      new Map([[FLUX_CONFIGURATION, { state: 'Succeeded', getsLeft: 0 }]]),
    );
    const diskId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/mc_${id}/providers/Microsoft.Compute/disks/pvc-models`;
    stand.volumes.push({ name: 'pvc-models', reclaimPolicy: 'Retain', diskId });
    stand.disks.add(diskId.toLowerCase());

    await apply(id, { type: 'DeploymentSucceeded', id: 'd', originHostName: host });
    await run(svc, 'registerOrigin', { stampId: id, hostName: host });
    await apply(id, { type: 'OriginHealthy', id: 'h' });
    await apply(id, {
      type: 'DrainRequested',
      id: 'drain',
      source: 'operator',
      actor: 'ana',
      reason: 'retire',
      override: true,
    });
    await run(svc, 'setOriginEnabled', { stampId: id, enabled: false });
    assert.equal(arm().origin(id)?.properties['enabledState'], 'Disabled');

    // Requests still reach it in the minutes after the drain started; then two quiet minutes.
    stand.originRequests.set(host, new Map([[new Date(T0.getTime() + MINUTE).toISOString(), 40]]));
    await clock.advance(5 * MINUTE);
    assert.equal(await run(svc, 'inFlightRequests', { stampId: id }), 40);
    await clock.advance(2 * MINUTE);
    assert.equal(await run(svc, 'inFlightRequests', { stampId: id }), 0);
    const drainId = (await svc.store.get(id))?.stamp.drain?.id ?? '';
    await apply(id, { type: 'InFlightDrained', id: 'zero', drainId });
    assert.equal((await svc.store.get(id))?.stamp.phase, 'quarantined');

    await run(svc, 'removeOrigin', { stampId: id });
    const preserved = await run(svc, 'preserveDiagnostics', { stampId: id });
    assert.ok(preserved.location.startsWith(WORKSPACE_ID));
    stand.lastLogAt.set(clusterId.toLowerCase(), clock.now().toISOString());
    const { runId } = await run(svc, 'startQuarantineChecks', { stampId: id });
    let progress = await run(svc, 'getQuarantineChecks', { stampId: id, runId });
    for (let poll = 0; progress.state === 'Running' && poll < 5; poll += 1) {
      await clock.advance(MINUTE);
      progress = await run(svc, 'getQuarantineChecks', { stampId: id, runId });
    }
    assert.equal(progress.state, 'Done');
    if (progress.state !== 'Done') return;
    assert.equal(progress.passed, true, progress.detail);
    await apply(id, {
      type: 'QuarantineChecksCompleted',
      id: 'checks',
      passed: progress.passed,
      detail: progress.detail,
      ...(progress.results === undefined ? {} : { results: [...progress.results] }),
    });
    assert.equal((await svc.store.get(id))?.stamp.phase, 'decommissioning');

    await run(svc, 'startWorkloadDeletion', { stampId: id });
    let deletion = await run(svc, 'getWorkloadDeletion', { stampId: id });
    for (let poll = 0; deletion.state === 'Running' && poll < 5; poll += 1)
      deletion = await run(svc, 'getWorkloadDeletion', { stampId: id });
    assert.equal(deletion.state, 'Done');
    await apply(id, { type: 'DecommissionCompleted', id: 'gone' });

    const archive = await run(svc, 'archiveRecords', { stampId: id });
    await apply(id, { type: 'RecordsArchived', id: 'archived', ...archive });
    let stamp = (await svc.store.get(id))?.stamp;
    assert.equal(stamp?.phase, 'archived');
    const verified = await verifyArchive(svc, stamp ?? assert.fail(), await svc.store.history(id));
    assert.equal(verified?.verified, true, JSON.stringify(verified?.problems));
    assert.deepEqual(
      verified?.document?.quarantine?.results?.map((r) => r.name),
      [...QUARANTINE_CHECKS],
      'the named check results are in the archive',
    );

    // Nothing releases the archive before its retention ends.
    await assert.rejects(
      run(svc, 'releaseArchive', { stampId: id, retainUntil: archive.retainUntil }),
      TerminalError,
    );
    await clock.advanceTo(new Date(Date.parse(archive.retainUntil) + MINUTE));
    await apply(id, { type: 'RetentionElapsed', id: 'retention' });
    stamp = (await svc.store.get(id))?.stamp;
    assert.equal(stamp?.phase, 'purged');
    assert.equal(
      await run(svc, 'releaseArchive', { stampId: id, retainUntil: archive.retainUntil }),
      'released',
    );
    const kept = await verifyArchive(svc, stamp ?? assert.fail(), await svc.store.history(id));
    assert.equal(kept?.verified, true);
    assert.equal(kept?.hold?.legalHold, false);
    assert.equal(stand.fluxConfigurations.get(clusterId.toLowerCase())?.has(FLUX_CONFIGURATION), false);
  });
});
