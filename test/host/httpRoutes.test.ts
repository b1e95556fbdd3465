import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';

import { fetchJson, hostSuite, startOrchestration } from './harness';

describe('local host: HTTP functions', () => {
  const h = hostSuite();

  it('routes a template with params, query and headers as the worker builds the request', async () => {
    const { status, headers, body } = await fetchJson(`${h().origin}/api/stamps/stamp%20001?x=1&y=a&y=b`, {
      headers: { 'x-test': 'yes' },
    });
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(body, {
      id: 'stamp 001',
      params: { id: 'stamp 001' },
      query: { x: '1', y: 'a,b' },
      header: 'yes',
      method: 'GET',
      url: `${h().origin}/api/stamps/stamp%20001?x=1&y=a&y=b`,
    });
  });

  it('prefers a literal route and matches literals case-insensitively', async () => {
    assert.deepEqual((await fetchJson(`${h().origin}/api/stamps`)).body, { stamps: [] });
    assert.deepEqual((await fetchJson(`${h().origin}/API/Stamps/s1`)).body, {
      id: 's1',
      params: { id: 's1' },
      query: {},
      header: null,
      method: 'GET',
      url: `${h().origin}/API/Stamps/s1`,
    });
  });

  it('passes the JSON body and answers status, headers and jsonBody', async () => {
    const { status, headers, body } = await fetchJson(`${h().origin}/api/stamps/s1/drain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'test', drainMinutes: 5 }),
    });
    assert.equal(status, 202);
    assert.equal(headers.get('location'), '/api/stamps/s1');
    assert.deepEqual(body, { id: 's1', body: { reason: 'test', drainMinutes: 5 } });
  });

  it('answers an HttpResponse with its body, headers and cookies; catch-all params', async () => {
    const response = await fetch(`${h().origin}/api/raw/a/b%2Fc`, { method: 'PUT', body: 'x' });
    assert.equal(response.status, 201);
    assert.equal(await response.text(), 'rest=a/b/c');
    assert.equal(response.headers.get('x-fixture'), 'raw');
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.equal(response.headers.get('set-cookie'), 'session=abc; HttpOnly');
  });

  it('honours constraints, default routes and methods', async () => {
    assert.deepEqual((await fetchJson(`${h().origin}/api/items/42`)).body, { n: 42 });
    assert.equal((await fetchJson(`${h().origin}/api/items/forty`)).status, 404);
    const byDefault = await fetch(`${h().origin}/api/hostDefaultRoute`, { method: 'POST' });
    assert.equal(await byDefault.text(), 'POST');
    const empty = await fetch(`${h().origin}/api/empty`, { method: 'POST' });
    assert.equal(empty.status, 204);
  });

  it('answers 404 problem+json for an unknown route and 405 for a wrong method', async () => {
    for (const path of ['/api/nope', '/api/stamps/a/b/c', '/elsewhere', '/']) {
      const { status, headers, body } = await fetchJson(`${h().origin}${path}`);
      assert.equal(status, 404, path);
      assert.match(headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal((body as { status: number }).status, 404);
      assert.equal(typeof (body as { detail: unknown }).detail, 'string');
    }
    const wrong = await fetchJson(`${h().origin}/api/stamps/s1`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.match(wrong.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('answers 413 over 64 KiB without calling the handler, and accepts exactly 64 KiB', async () => {
    const calls = (): number => h().logs.filter((l) => l.message.includes('hostDrainStamp')).length;
    const before = calls();
    const big = await fetchJson(`${h().origin}/api/stamps/s1/drain`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(64 * 1024) }),
    });
    assert.equal(big.status, 413);
    assert.match(big.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.match((big.body as { detail: string }).detail, /64 KiB/);
    assert.equal(calls(), before, 'the handler never ran');
    const exact = `"${'x'.repeat(64 * 1024 - 2)}"`;
    const ok = await fetchJson(`${h().origin}/api/stamps/s1/drain`, { method: 'POST', body: exact });
    assert.equal(ok.status, 202);
  });

  it('answers 413 for a streamed (chunked) body over 64 KiB', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(120);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${h().origin}/api/stamps/s1/drain`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    });
    assert.equal(response.status, 413);
    await response.arrayBuffer();
  });

  it('answers 500 problem+json when the handler throws, and logs it', async () => {
    const { status, headers, body } = await fetchJson(`${h().origin}/api/boom`);
    assert.equal(status, 500);
    assert.match(headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.doesNotMatch(JSON.stringify(body), /fixture failure/, 'the error is not leaked to the caller');
    assert.ok(h().logs.some((l) => l.level === 'error' && l.message.includes('fixture failure')));
  });

  it('answers 400 for a path with broken percent-encoding, on every path the host serves', async () => {
    for (const path of [
      '/api/stamps/%E0%A4%A',
      '/api/stamps/%zz',
      `/runtime/webhooks/durabletask/instances/%zz?code=${h().runtime.systemKey}`,
      '/durabletask/instances/%E0%A4%A',
    ]) {
      const { status, body } = await fetchJson(`${h().origin}${path}`);
      assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
    }
  });

  it('refuses a declared Content-Length over the limit without reading the body, and closes', async () => {
    const socket = connect(Number(new URL(h().origin).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // Only a host that waits for the body gets here: fail instead of hanging.
    socket.setTimeout(10_000, () => socket.destroy());
    // Headers and a few bytes of a "100 MB" body that never comes: an answer proves nothing waited for it.
    socket.write(
      'POST /api/stamps/s1/drain HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${100 * 1024 * 1024}\r\n\r\n{"pad":"`,
    );
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.match(received, /^HTTP\/1\.1 413 /);
    assert.match(received, /connection: close/i);
    assert.match(received, /64 KiB/);
  });

  it('serves the Durable HTTP API only with its system key, and not its RPC path (as on Azure)', async () => {
    const started = await startOrchestration(h(), { id: 'orch-key', value: 1 });
    const urls = started.body as { statusQueryGetUri: string; terminatePostUri: string };
    const withoutKey = new URL(urls.terminatePostUri.replace('{text}', 'forged'));
    withoutKey.searchParams.delete('code');
    const refused = await fetch(withoutKey, { method: 'POST' });
    assert.equal(refused.status, 401);
    assert.match(await refused.text(), /durabletask_extension system key/);
    const wrong = new URL(withoutKey);
    wrong.searchParams.set('code', 'guessed');
    assert.equal((await fetch(wrong, { method: 'POST' })).status, 401);
    // The worker's RPC endpoint is the runtime's own: the host's port does not serve it.
    const rpc = await fetch(`${h().origin}/durabletask/instances/orch-key`);
    assert.equal(rpc.status, 404);
    await h().settle();
    // Waiting for its event: running, 202.
    assert.equal((await fetchJson(urls.statusQueryGetUri)).status, 202, 'the handed-out URL carries the key');
  });

  it('starts an orchestration through df.getClient and serves the check-status URLs', async () => {
    const started = await startOrchestration(h(), { id: 'orch-001', value: 21 });
    assert.equal(started.status, 202);
    const urls = started.body as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
    assert.equal(urls.id, 'orch-001');
    assert.ok(
      urls.statusQueryGetUri.startsWith(`${h().origin}/runtime/webhooks/durabletask/instances/orch-001`),
    );
    assert.equal(started.headers.get('location'), urls.statusQueryGetUri);
    await h().settle();

    const raise = await fetch(urls.sendEventPostUri.replace('{eventName}', 'add'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '4',
    });
    assert.equal(raise.status, 202);
    await h().settle();
    const status = await fetchJson(urls.statusQueryGetUri);
    assert.equal(status.status, 200);
    assert.deepEqual(
      {
        runtimeStatus: (status.body as { runtimeStatus: string }).runtimeStatus,
        output: (status.body as { output: unknown }).output,
      },
      { runtimeStatus: 'Completed', output: 46 },
    );
  });
});
