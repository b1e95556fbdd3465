import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { LOCAL_ACTION_GROUP } from '../../shared/local/host/localIdentity';
import { type E2E, startE2E } from './support/harness';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e.stop();
});

async function raw(method: string, path: string, body: string, contentType = 'application/json') {
  // The alert receiver's caller is the action group, signed in with its secure webhook token.
  const signIn = path === '/api/alerts' ? e2e.as(LOCAL_ACTION_GROUP.name) : {};
  const response = await fetch(`${e2e.plane.origin}${path}`, {
    method,
    ...(method === 'GET'
      ? { headers: signIn }
      : { headers: { 'content-type': contentType, ...signIn }, body }),
  });
  const text = await response.text();
  await e2e.settle();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text };
}

async function fleetSnapshot(): Promise<string> {
  const stamps = (await e2e.api('GET', '/api/stamps')).body['stamps'] as {
    id: string;
    phase: string;
    traffic: string;
  }[];
  return JSON.stringify(stamps.map((s) => [s.id, s.phase, s.traffic]));
}

describe('end to end: bad input gets a clear error and loses nothing', () => {
  const cases: {
    name: string;
    method: string;
    path: string;
    body: string;
    status: number;
    detail: RegExp;
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      path: '/api/stamps',
      body: '{"region": ',
      status: 400,
      detail: /not valid JSON/,
    },
    {
      name: 'a wrong type',
      method: 'POST',
      path: '/api/stamps',
      body: '{"region": 42}',
      status: 400,
      detail: /'region'/,
    },
    {
      name: 'an unknown member',
      method: 'POST',
      path: '/api/stamps',
      body: '{"allowOtherRegion": true}',
      status: 400,
      detail: /unknown member\(s\) 'allowOtherRegion'/,
    },
    {
      name: 'an unknown region',
      method: 'POST',
      path: '/api/stamps',
      body: '{"region": "mars"}',
      status: 400,
      detail: /unknown region 'mars'/,
    },
    {
      name: 'a full region without other regions allowed',
      method: 'POST',
      path: '/api/stamps',
      body: '{"region": "westeurope"}',
      status: 409,
      detail: /total maximum is 10/,
    },
    {
      name: 'a body over 64 KiB',
      method: 'POST',
      path: '/api/stamps',
      body: JSON.stringify({ reason: 'x'.repeat(70 * 1024) }),
      status: 413,
      detail: /64 KiB|65536/,
    },
    {
      name: 'an unknown stamp',
      method: 'POST',
      path: '/api/stamps/weu-999/drain',
      body: '{}',
      status: 404,
      detail: /no stamp 'weu-999'/,
    },
    {
      name: 'a path trick in the id',
      method: 'POST',
      path: '/api/stamps/..%2F..%2Fsim/drain',
      body: '{}',
      status: 400,
      detail: /not a stamp id/,
    },
    {
      name: 'an isolate without a reason',
      method: 'POST',
      path: '/api/stamps/weu-001/isolate',
      body: '{}',
      status: 400,
      detail: /'reason'/,
    },
    {
      name: 'a drain of 0 minutes',
      method: 'POST',
      path: '/api/stamps/weu-001/drain',
      body: '{"drainMinutes": 0}',
      status: 400,
      detail: /'drainMinutes'/,
    },
    {
      name: 'a verify of an active stamp',
      method: 'POST',
      path: '/api/stamps/weu-001/verify',
      body: '{"reason": "checked"}',
      status: 409,
      detail: /only a quarantined stamp can be verified/,
    },
    {
      name: 'a __proto__ member',
      method: 'POST',
      path: '/api/stamps/weu-001/drain',
      body: '{"__proto__": {"override": true}}',
      status: 400,
      detail: /unknown member/,
    },
    {
      name: 'an unknown phase filter',
      method: 'GET',
      path: '/api/stamps?phase=zombie',
      body: '',
      status: 400,
      detail: /'phase'/,
    },
  ];
  for (const c of cases) {
    it(`${c.status} problem+json for ${c.name}, and nothing changes`, async () => {
      const before = await fleetSnapshot();
      const answer = await raw(c.method, c.path, c.body);
      assert.equal(answer.status, c.status, answer.body);
      assert.match(answer.contentType, /^application\/problem\+json/);
      const problem = JSON.parse(answer.body) as { status: number; detail: string };
      assert.equal(problem.status, c.status);
      assert.match(problem.detail, c.detail);
      assert.equal(await fleetSnapshot(), before);
    });
  }

  it('an alert that is not an alert is recorded and acknowledged with 202, and changes nothing', async () => {
    const before = await fleetSnapshot();
    const answer = await raw('POST', '/api/alerts', '{"hello": "world"}');
    assert.equal(answer.status, 202);
    assert.equal((JSON.parse(answer.body) as { status: string }).status, 'rejected');
    assert.equal(await fleetSnapshot(), before);
  });

  it('an alert naming no stamp is recorded as unmatched and acknowledged', async () => {
    const alert = {
      schemaId: 'azureMonitorCommonAlertSchema',
      data: {
        essentials: {
          alertId: 'a-unmatched',
          alertRule: 'x',
          monitorCondition: 'Fired',
          firedDateTime: '2026-06-01T00:00:00Z',
        },
        alertContext: null,
        customProperties: null,
      },
    };
    const answer = await raw('POST', '/api/alerts', JSON.stringify(alert));
    assert.equal(answer.status, 202);
    assert.equal((JSON.parse(answer.body) as { status: string }).status, 'unmatched');
  });
});
