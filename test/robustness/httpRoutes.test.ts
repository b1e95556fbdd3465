import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { startE2E } from '../e2e/support/harness';
import { perSuite } from '../support/lifetime';
import { rawRequest } from './support/http';
import { anyString, bodyText, shapedText } from './support/input';
import { stateSnapshot } from './support/state';

/**
 * Every HTTP route of the API under hostile input: the answer is 2xx or 4xx, never 5xx, and a
 * 4xx changes nothing in the store (stamps, inboxes, ledgers, fleet). Fixed seeds: a failure
 * prints its counterexample and replays the same way.
 */

const SEED_IDS = ['weu-001', 'weu-002', 'weu-004', 'eus-001', 'eus-003', 'sea-002'];
const REGIONS = ['westeurope', 'eastus', 'southeastasia'];
const PHASES = ['provisioning', 'active', 'draining', 'quarantined', 'archived', 'purged'];

const stampIdSegment = fc.oneof(
  fc.constantFrom(...SEED_IDS),
  fc.stringMatching(/^[a-z]{2,8}-\d{3,6}$/),
  anyString.map((s) => encodeURIComponent(s.slice(0, 300))),
  fc.constantFrom('..%2F..%2Fsim', '%2e%2e', 'WEU-001', 'weu-001%00', '__proto__', 'constructor'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);
const queryValue = fc.oneof(
  fc.constantFrom(...PHASES, ...REGIONS),
  anyString.map((s) => s.slice(0, 500)),
);

const e2e = perSuite(
  () => startE2E(),
  (r) => r.stop(),
);

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

async function check(request: Request): Promise<void> {
  const before = await stateSnapshot(e2e().plane);
  const answer = await rawRequest(e2e(), request.method, request.path, request.body, request.contentType);
  const shown = `${request.method} ${request.path.slice(0, 200)} → ${answer.status} ${answer.body.slice(0, 300)}`;
  assert.ok(answer.status >= 200 && answer.status < 500, shown);
  if (answer.status >= 400) assert.equal(await stateSnapshot(e2e().plane), before, `state changed: ${shown}`);
}

const RUNS = 40;

describe('robustness: the HTTP API under hostile input', () => {
  it('POST /api/stamps: 2xx or 4xx, and nothing changes on a 4xx', async () => {
    const body = bodyText(
      shapedText(
        { region: fc.constantFrom(...REGIONS), allowOtherRegions: fc.boolean(), reason: fc.string() },
        ['region', 'allowOtherRegions', 'reason'],
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, (text, type) =>
        check({ method: 'POST', path: '/api/stamps', body: text, contentType: type }),
      ),
      { numRuns: RUNS, seed: 7001 },
    );
  });

  it('GET /api/stamps with any query, GET /api/stamps/{id} and GET /api/regions', async () => {
    const path = fc.oneof(
      fc
        .record({ phase: fc.option(queryValue), region: fc.option(queryValue), extra: fc.option(queryValue) })
        .map(({ phase, region, extra }) => {
          const query = new URLSearchParams();
          if (phase !== null) query.append('phase', phase);
          if (region !== null) query.append('region', region);
          if (extra !== null) query.append('__proto__', extra);
          return `/api/stamps?${query.toString()}`;
        }),
      stampIdSegment.map((id) => `/api/stamps/${id}`),
      queryValue.map((q) => `/api/regions?x=${encodeURIComponent(q)}`),
    );
    await fc.assert(
      fc.asyncProperty(path, (p) =>
        check({ method: 'GET', path: p, body: undefined, contentType: undefined }),
      ),
      { numRuns: RUNS, seed: 7002 },
    );
  });

  it('POST /api/stamps/{id}/drain, /isolate and /verify: 2xx or 4xx, and nothing changes on a 4xx', async () => {
    const reason = fc.string({ minLength: 1 });
    const command = fc.oneof(
      fc.tuple(
        fc.constant('drain'),
        bodyText(
          shapedText({ reason, drainMinutes: fc.integer({ min: -5, max: 2000 }), override: fc.boolean() }, [
            'reason',
            'drainMinutes',
            'override',
          ]),
        ),
      ),
      fc.tuple(
        fc.constant('isolate'),
        bodyText(shapedText({ reason, override: fc.boolean() }, ['override'])),
      ),
      fc.tuple(
        fc.constant('verify'),
        bodyText(shapedText({ reason, override: fc.boolean() }, ['reason', 'override'])),
      ),
    );
    await fc.assert(
      fc.asyncProperty(stampIdSegment, command, contentType, (id, [verb, text], type) =>
        check({ method: 'POST', path: `/api/stamps/${id}/${verb}`, body: text, contentType: type }),
      ),
      { numRuns: RUNS * 2, seed: 7003 },
    );
  });

  it('methods and paths the API does not serve: 4xx, and nothing changes', async () => {
    const request = fc.record({
      method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET', 'POST'),
      path: fc.oneof(
        stampIdSegment.map((id) => `/api/stamps/${id}/explode`),
        fc.constantFrom('/api/regions/westeurope', '/api/stamps/weu-001/drain/x', '/api', '/api/stamp'),
      ),
      body: fc.option(bodyText(shapedText({})), { nil: undefined }),
      contentType,
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        await check(r);
      }),
      { numRuns: RUNS / 2, seed: 7004 },
    );
  });
});
