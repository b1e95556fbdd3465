/**
 * One validation story: every route, given something it does not know, answers problem+json
 * that says so. Something named in the path that does not exist (a stamp, a region) is a 404; an
 * unknown value in a query or a body is a 400; the simulator follows the same rule. The walk
 * covers every HTTP route the function app registers, so a new route must say what it does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OPERATOR_COMMAND_NAMES } from '../../shared/lifecycle/operatorCommands';
import { perSuite } from '../support/lifetime';
import { startE2E } from './support/harness';

interface Probe {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly status: number;
  readonly detail: RegExp;
}

const commandBody = (): Record<string, unknown> => ({ reason: 'r' });

const PROBES: readonly Probe[] = [
  {
    route: 'GET stamps',
    method: 'GET',
    path: '/api/stamps?region=mars',
    status: 400,
    detail: /unknown region 'mars'; configured regions are westeurope/,
  },
  { route: 'GET stamps', method: 'GET', path: '/api/stamps?phase=bogus', status: 400, detail: /'phase'/ },
  {
    route: 'POST stamps',
    method: 'POST',
    path: '/api/stamps',
    body: { region: 'mars' },
    status: 400,
    detail: /mars/,
  },
  {
    route: 'GET stamps/{id}',
    method: 'GET',
    path: '/api/stamps/weu-999',
    status: 404,
    detail: /there is no stamp 'weu-999'/,
  },
  {
    route: 'GET stamps/{id}',
    method: 'GET',
    path: '/api/stamps/Not%20An%20Id',
    status: 400,
    detail: /is not a stamp id/,
  },
  {
    route: 'GET stamps/{id}/history',
    method: 'GET',
    path: '/api/stamps/weu-999/history',
    status: 404,
    detail: /there is no stamp 'weu-999'/,
  },
  {
    route: 'GET stamps/{id}/history',
    method: 'GET',
    path: '/api/stamps/weu-001/history?limit=-1',
    status: 400,
    detail: /'limit'/,
  },
  {
    route: 'GET stamps/{id}/archive',
    method: 'GET',
    path: '/api/stamps/weu-999/archive',
    status: 404,
    detail: /there is no stamp 'weu-999'/,
  },
  {
    route: 'GET stamps/{id}/archive',
    method: 'GET',
    path: '/api/stamps/weu-001/archive',
    status: 404,
    detail: /stamp 'weu-001' has no archive: it is active/,
  },
  {
    route: 'GET stamps/{id}/archive',
    method: 'GET',
    path: '/api/stamps/WEU_1/archive',
    status: 400,
    detail: /is not a stamp id/,
  },
  ...OPERATOR_COMMAND_NAMES.flatMap((command): Probe[] => [
    {
      route: `POST stamps/{id}/${command}`,
      method: 'POST',
      path: `/api/stamps/weu-999/${command}`,
      body: commandBody(),
      status: 404,
      detail: /there is no stamp 'weu-999'/,
    },
    {
      route: `POST stamps/{id}/${command}`,
      method: 'POST',
      path: `/api/stamps/..%2Fx/${command}`,
      body: commandBody(),
      status: 400,
      detail: /is not a stamp id/,
    },
  ]),
  {
    route: 'GET regions/{name}',
    method: 'GET',
    path: '/api/regions/mars',
    status: 404,
    detail: /there is no region 'mars'/,
  },
  {
    route: 'PUT regions/{name}',
    method: 'PUT',
    path: '/api/regions/mars',
    body: { desired: 1, reason: 'r' },
    status: 404,
    detail: /there is no region 'mars'/,
  },
  {
    route: 'GET signals',
    method: 'GET',
    path: '/api/signals?outcome=bogus',
    status: 400,
    detail: /'outcome'/,
  },
  {
    route: 'GET incidents',
    method: 'GET',
    path: '/api/incidents?limit=many',
    status: 400,
    detail: /'limit'/,
  },
  {
    route: 'GET events',
    method: 'GET',
    path: '/api/events?wait=600',
    status: 400,
    detail: /'wait'/,
  },
  {
    route: 'GET metrics',
    method: 'GET',
    path: '/api/metrics?region=mars',
    status: 404,
    detail: /there is no region 'mars'/,
  },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/stamps/weu-999/fail',
    status: 404,
    detail: /no stamp 'weu-999'/,
  },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/stamps/weu-999/recover',
    status: 404,
    detail: /no stamp 'weu-999'/,
  },
  { route: 'sim', method: 'POST', path: '/sim/regions/mars/fail', status: 404, detail: /mars/ },
  { route: 'sim', method: 'POST', path: '/sim/regions/mars/recover', status: 404, detail: /mars/ },
  { route: 'sim', method: 'POST', path: '/sim/chaos/earthquake', status: 404, detail: /no chaos route/ },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/chaos/arm-outage',
    body: { region: 'mars' },
    status: 400,
    detail: /mars/,
  },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/chaos/fail-quarantine-checks',
    body: { stampId: 'weu-999' },
    status: 404,
    detail: /no stamp 'weu-999'/,
  },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/chaos/arm-outage:mars/clear',
    status: 404,
    detail: /no chaos fault 'arm-outage:mars' is active/,
  },
  {
    route: 'sim',
    method: 'POST',
    path: '/sim/regions/mars/load',
    body: { utilization: 50 },
    status: 404,
    detail: /mars/,
  },
];

/**
 * Routes whose unknown values are not an error, and why: the alert receiver records and
 * acknowledges an alert naming no known stamp (Azure Monitor would retry anything else), and the
 * dashboard takes no input.
 */
const NOT_PROBED: Readonly<Record<string, string>> = {
  'POST alerts': 'acknowledged and recorded as unmatched (test/e2e/badInput.test.ts)',
  'GET dashboard': 'takes no input',
  'GET regions': 'takes no input',
  'GET me': 'takes no input (the signed-in principal; test/e2e/signIn.test.ts)',
  'GET openapi.json': 'takes no input (test/e2e/openApi.test.ts)',
};

describe('end to end: unknown values get a problem that says so, everywhere', () => {
  const e2e = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );

  it('every registered HTTP route is walked (or says why not)', () => {
    const walked = new Set([...PROBES.map((p) => p.route), ...Object.keys(NOT_PROBED)]);
    const missing = e2e().plane.host.httpRoutes.filter((route) => !walked.has(route));
    assert.deepEqual(missing, []);
  });

  for (const probe of PROBES) {
    it(`${probe.method} ${probe.path}: ${probe.status}`, async () => {
      const before = await e2e().plane.services.store.list();
      const answer = await e2e().api(probe.method, probe.path, probe.body);
      assert.equal(answer.status, probe.status, JSON.stringify(answer.body));
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.match(String(answer.body['detail']), probe.detail);
      assert.deepEqual(await e2e().plane.services.store.list(), before, 'nothing changed');
    });
  }
});
