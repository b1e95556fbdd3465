import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TerminalError } from '../../shared/errors';
import { STAMP_EVENT_TYPES } from '../../shared/ports/eventPublisher';
import { type E2E, startE2E } from './support/harness';

/**
 * A long operation whose read fails for good (after the activity's retries) does not fail the
 * stamp's orchestration and lose its watches: quarantine checks that cannot be read count as
 * failed (an operator verifies with a reason), and a workload deletion that cannot be read
 * raises an incident and is read again later, when it can be.
 */
let e2e: E2E;
let deletionReadsFailing = true;
before(async () => {
  e2e = await startE2E({
    // The drain's operator, and an admin approver: four eyes, and an override needs Stamps.Admin.
    env: { STAMPS_LOCAL_USERS: 'operator=Stamps.Operator,security-admin=Stamps.Approver+Stamps.Admin' },
    decorate: (services) => ({
      ...services,
      // The simulation is a class: its methods are delegated, not spread.
      operations: {
        inFlightRequests: (stampId) => services.operations.inFlightRequests(stampId),
        preserveDiagnostics: (stampId) => services.operations.preserveDiagnostics(stampId),
        startQuarantineChecks: (run) => services.operations.startQuarantineChecks(run),
        startWorkloadDeletion: (stampId) => services.operations.startWorkloadDeletion(stampId),
        getQuarantineChecks: () =>
          Promise.reject(new TerminalError('the cluster does not exist', 'ClusterNotFound')),
        getWorkloadDeletion: (stampId) =>
          deletionReadsFailing
            ? Promise.reject(new TerminalError('the Flux configuration is Failed', 'WorkloadDeletionFailed'))
            : services.operations.getWorkloadDeletion(stampId),
      },
    }),
  });
});
after(async () => {
  await e2e.stop();
});

describe('end to end: a watch whose read fails for good', () => {
  it('fails the quarantine checks it cannot read, and reads a failed deletion again later', async () => {
    const drain = await e2e.api('POST', '/api/stamps/eus-002/drain', { reason: 'retire', drainMinutes: 10 });
    assert.equal(drain.status, 202, JSON.stringify(drain.body));
    await e2e.advance(25);
    let stamp = await e2e.stamp('eus-002');
    assert.equal(stamp['phase'], 'quarantined');
    const quarantine = stamp['quarantine'] as { checks: string; detail: string };
    assert.equal(quarantine.checks, 'failed');
    assert.match(quarantine.detail, /the quarantine checks could not be read: ClusterNotFound/);

    const verify = await e2e.api(
      'POST',
      '/api/stamps/eus-002/verify',
      { reason: 'cluster gone, records checked by hand', override: true },
      e2e.as('security-admin'),
    );
    assert.equal(verify.status, 202, JSON.stringify(verify.body));
    await e2e.advance(5);
    assert.equal((await e2e.stamp('eus-002'))['phase'], 'decommissioning');
    const incidents = () =>
      e2e.published.filter(
        (e) =>
          e.type === STAMP_EVENT_TYPES.IncidentRaised &&
          JSON.stringify(e.data).includes('watching workload-deletion of eus-002 failed'),
      ).length;
    assert.equal(incidents(), 1, 'one incident, naming the watch');

    deletionReadsFailing = false;
    await e2e.advance(40);
    stamp = await e2e.stamp('eus-002');
    assert.equal(stamp['phase'], 'archived', 'read again after the incident, the deletion was done');
    assert.ok(incidents() <= 3, `incidents: ${incidents()}`);
  });
});
