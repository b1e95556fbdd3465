import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { HttpRequest, HttpResponse } from '@azure/functions';

import { type Harness, isFinished, startHarness } from './harness';

interface CheckStatusPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
}

function isPayload(value: unknown): value is CheckStatusPayload {
  return typeof value === 'object' && value !== null && 'statusQueryGetUri' in value;
}

describe('local durable runtime: client binding and Durable HTTP API', () => {
  let h: Harness;
  let origin: string;
  beforeEach(async () => {
    h = await startHarness();
    origin = await h.runtime.listen();
  });
  afterEach(async () => {
    await h.runtime.stop();
  });

  async function httpStart(name: string, instanceId: string, input: unknown): Promise<HttpResponse> {
    const request = new HttpRequest({
      url: `${origin}/api/orchestrators/${name}/${instanceId}`,
      method: 'POST',
      body: { string: JSON.stringify(input) },
      params: { name, instanceId },
    });
    const { result } = await h.runtime.invoke('httpStart', request);
    assert.ok(result instanceof HttpResponse || typeof result === 'object');
    return result instanceof HttpResponse
      ? result
      : new HttpResponse(result as ConstructorParameters<typeof HttpResponse>[0]);
  }

  it('listens on 127.0.0.1 with an ephemeral port', () => {
    assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(origin, 'http://127.0.0.1:0');
  });

  it('an HTTP starter gets a check-status response whose URLs work', async () => {
    const response = await httpStart('waitEvent', 'http-1', { stamp: 'stamp-001' });
    assert.equal(response.status, 202);
    const payload: unknown = await response.json();
    assert.ok(isPayload(payload));
    assert.equal(payload.id, 'http-1');
    assert.equal(
      payload.statusQueryGetUri,
      `${origin}/runtime/webhooks/durabletask/instances/http-1?taskHub=SynaxisLocalHub&connection=Storage&code=${h.runtime.systemKey}`,
    );
    assert.equal(response.headers.get('location'), payload.statusQueryGetUri);
    await h.runtime.idle();

    const running = await fetch(payload.statusQueryGetUri);
    assert.equal(running.status, 202);
    const runningBody = (await running.json()) as { runtimeStatus: string; input: unknown };
    assert.equal(runningBody.runtimeStatus, 'Running');
    assert.deepEqual(runningBody.input, { stamp: 'stamp-001' });

    const raised = await fetch(payload.sendEventPostUri.replace('{eventName}', 'approve'), {
      method: 'POST',
      body: JSON.stringify({ ok: true }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(raised.status, 202);
    await h.runtime.idle();

    const done = await fetch(payload.statusQueryGetUri);
    assert.equal(done.status, 200);
    const body = (await done.json()) as { runtimeStatus: string; output: unknown; name: string };
    assert.equal(body.runtimeStatus, 'Completed');
    assert.equal(body.name, 'waitEvent');
    assert.deepEqual(body.output, { approved: { ok: true } });

    const purged = await fetch(payload.purgeHistoryDeleteUri, { method: 'DELETE' });
    assert.equal(purged.status, 200);
    assert.deepEqual(await purged.json(), { instancesDeleted: 1 });
    const gone = await fetch(payload.statusQueryGetUri);
    assert.equal(gone.status, 404);
  });

  it('refuses to start an instance id that is running, and restarts a finished one', async () => {
    const first = await httpStart('waitEvent', 'singleton', 1);
    assert.equal(first.status, 202);
    const second = await httpStart('waitEvent', 'singleton', 2);
    assert.equal(second.status, 409);
    const body = (await second.json()) as { error: string };
    assert.match(body.error, /InstanceAlreadyExists/);
    await h.runtime.raiseEvent('singleton', 'approve', 'first');
    await h.runtime.waitForStatus('singleton', isFinished);
    const third = await httpStart('waitEvent', 'singleton', 3);
    assert.equal(third.status, 202);
    await h.runtime.idle();
    const status = await h.runtime.getStatus('singleton');
    assert.equal(status?.runtimeStatus, 'Running');
    assert.equal(status?.input, 3);
  });

  it('getStatus through the client throws on an unknown instance (404), as on Azure', async () => {
    const request = new HttpRequest({
      url: `${origin}/api/status/ghost`,
      method: 'GET',
      params: { instanceId: 'ghost' },
    });
    const { result } = await h.runtime.invoke('httpStatus', request);
    const response = result as { status: number; jsonBody: { error: string } };
    assert.equal(response.status, 404);
    assert.match(response.jsonBody.error, /404/);
  });

  it('terminates through the terminate URL; a second terminate answers 410', async () => {
    const response = await httpStart('waitEvent', 'term-http', null);
    const payload: unknown = await response.json();
    assert.ok(isPayload(payload));
    await h.runtime.idle();
    const terminated = await fetch(payload.terminatePostUri.replace('{text}', 'no%20longer%20needed'), {
      method: 'POST',
    });
    assert.equal(terminated.status, 202);
    await h.runtime.idle();
    const status = await h.runtime.getStatus('term-http');
    assert.equal(status?.runtimeStatus, 'Terminated');
    assert.equal(status?.output, 'no longer needed');
    const again = await fetch(payload.terminatePostUri.replace('{text}', 'again'), { method: 'POST' });
    assert.equal(again.status, 410);
  });

  it('a Service Bus handler raises an event through df.getClient', async () => {
    const id = await h.runtime.startNew('waitEvent', { instanceId: 'sb-1' });
    await h.runtime.idle();
    await h.runtime.invoke('serviceBusRaise', { instanceId: id, event: 'approve', data: 'from the queue' });
    const status = await h.runtime.waitForStatus(id, isFinished);
    assert.deepEqual(status.output, { approved: 'from the queue' });
  });

  it('an Event Grid handler starts an orchestration through df.getClient', async () => {
    await h.runtime.invoke('eventGridStart', {
      id: 'evt-1',
      eventType: 'Synaxis.Stamp.Signal',
      subject: 'stamps/eg-1',
      data: { orchestrator: 'sequence', instanceId: 'eg-1', input: 2 },
    });
    const status = await h.runtime.waitForStatus('eg-1', isFinished);
    assert.deepEqual(status.output, [4, 6, 8]);
  });

  it('a timer handler lists running instances through df.getClient and terminates them', async () => {
    await h.runtime.startNew('waitEvent', { instanceId: 'sweep-1' });
    await h.runtime.startNew('waitEvent', { instanceId: 'sweep-2' });
    await h.runtime.startNew('sequence', { instanceId: 'sweep-done', input: 1 });
    await h.runtime.idle();
    const { context } = await h.runtime.invoke('timerPurge', {
      isPastDue: false,
      schedule: { adjustForDST: true },
    });
    assert.equal(context.extraOutputs.get('terminated'), 2);
    await h.runtime.idle();
    assert.equal((await h.runtime.getStatus('sweep-1'))?.runtimeStatus, 'Terminated');
    assert.equal((await h.runtime.getStatus('sweep-2'))?.runtimeStatus, 'Terminated');
    assert.equal((await h.runtime.getStatus('sweep-done'))?.runtimeStatus, 'Completed');
  });

  it("refuses the Durable HTTP API without its system key, and the worker's RPC path without its secret", async () => {
    const start = (path: string) => fetch(`${origin}${path}`, { method: 'POST', body: '{}' });
    const webhook = await start('/runtime/webhooks/durabletask/orchestrators/waitEvent/forged-1');
    assert.equal(webhook.status, 401);
    assert.equal(((await webhook.json()) as { code: string }).code, 'Unauthorized');
    assert.equal((await start('/durabletask/orchestrators/waitEvent/forged-2')).status, 404);
    assert.equal((await start('/durabletask/guessed/orchestrators/waitEvent/forged-3')).status, 404);
    assert.equal(await h.runtime.getStatus('forged-1'), undefined);
    assert.equal(await h.runtime.getStatus('forged-3'), undefined);
    // The client binding knows both: the RPC base carries the secret, the handed-out URLs the key.
    const binding = h.runtime.clientBindingData();
    assert.match(binding.rpcBaseUrl, /\/durabletask\/[A-Za-z0-9_-]{32}\/$/);
    assert.match(binding.managementUrls.statusQueryGetUri, new RegExp(`&code=${h.runtime.systemKey}$`));
  });

  it('starting an unknown orchestrator over HTTP is a 400 naming it', async () => {
    const response = await fetch(
      `${origin}/runtime/webhooks/durabletask/orchestrators/nope/x-1?code=${h.runtime.systemKey}`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    assert.equal(response.status, 400);
    const body = (await response.json()) as { code: string; message: string; instanceId: string };
    assert.equal(body.code, 'OrchestratorNotFound');
    assert.match(body.message, /'nope'/);
    assert.equal(body.instanceId, 'x-1');
  });

  it('purging a running instance is refused; purge by filter removes finished ones', async () => {
    await h.runtime.startNew('waitEvent', { instanceId: 'keep-running' });
    await h.runtime.startNew('sequence', { instanceId: 'finished-1', input: 1 });
    await h.runtime.idle();
    // The worker's RPC endpoint, as the client binding names it (its secret segment included).
    const rpc = h.runtime.clientBindingData().rpcBaseUrl;
    const refused = await fetch(`${rpc}instances/keep-running`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    const purged = await fetch(`${rpc}instances/?runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    assert.deepEqual(await purged.json(), { instancesDeleted: 1 });
    const list = await fetch(`${rpc}instances/`);
    const statuses = (await list.json()) as { instanceId: string }[];
    assert.deepEqual(
      statuses.map((s) => s.instanceId),
      ['keep-running'],
    );
  });
});
