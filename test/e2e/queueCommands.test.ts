/**
 * Operator commands that arrive on the Service Bus queue (`kind: 'command'`, from another tool):
 * the command table builds the event, as for the HTTP routes; no caller waits for an answer, so
 * the stamp's orchestration decides it and a refusal is written to the stamp's audit trail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { OperatorCommandMessage } from '../../shared/ports/lifecycleBus';
import { perSuite } from '../support/lifetime';
import { startE2E } from './support/harness';

describe('end to end: operator commands on the lifecycle queue', () => {
  const e2e = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );
  const command = (stampId: string, commandId: string, more: Partial<OperatorCommandMessage> = {}) =>
    e2e().plane.services.bus.send({
      kind: 'command',
      stampId,
      commandId,
      command: 'drain',
      actor: 'pipeline',
      reason: 'retire',
      ...more,
    });
  const phaseOf = async (id: string): Promise<unknown> => (await e2e().stamp(id))['phase'];

  it('drains through the queue until the minimum in rotation refuses; an override needs HTTP and Stamps.Admin', async () => {
    await command('eus-001', 'q-1');
    await command('eus-002', 'q-2');
    await e2e().settle();
    assert.equal(await phaseOf('eus-001'), 'draining');
    assert.equal(await phaseOf('eus-002'), 'draining');

    // eus-003 is the last stamp in rotation in eastus (minimum 1): refused, on the record.
    await command('eus-003', 'q-3');
    await e2e().settle();
    assert.equal(await phaseOf('eus-003'), 'active');
    const refused = (await e2e().stamp('eus-003'))['history'] as {
      cause: { eventId: string; actor?: string };
      refused?: { guard: string };
    }[];
    assert.deepEqual(
      refused.filter((r) => r.cause.eventId === 'q-3').map((r) => [r.refused?.guard, r.cause.actor]),
      [['min-in-rotation', 'pipeline']],
    );

    // A queue's sender is a tool signed in to Service Bus, not a principal holding Stamps.Admin.
    await command('eus-003', 'q-4', { override: true, reason: 'region being rebuilt' });
    await e2e().settle();
    assert.equal(await phaseOf('eus-003'), 'active');
    assert.ok(e2e().logs.some((line) => /rejected: an override needs a signed-in Stamps\.Admin/.test(line)));
    const overridden = await e2e().api('POST', '/api/stamps/eus-003/drain', {
      override: true,
      reason: 'region being rebuilt',
    });
    assert.equal(overridden.status, 202, JSON.stringify(overridden.body));
    const history = (await e2e().stamp('eus-003'))['history'] as { cause: { overriddenGuard?: string } }[];
    assert.equal(history.at(-1)?.cause.overriddenGuard, 'min-in-rotation');
  });

  it('a verification on the queue is refused: it needs a signed-in approver', async () => {
    await command('weu-001', 'q-6', { command: 'verify', reason: 'checked' });
    await e2e().settle();
    assert.ok(
      e2e().logs.some((line) => /q-6 rejected: a verification needs a signed-in approver/.test(line)),
    );
  });

  it('a command for a stamp that does not exist is reported, not retried', async () => {
    await command('eus-999', 'q-5');
    await e2e().settle();
    assert.ok(e2e().logs.some((line) => /command drain q-5: there is no stamp 'eus-999'/.test(line)));
  });
});
