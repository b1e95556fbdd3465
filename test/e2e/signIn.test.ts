/**
 * Who did it, end to end on the local host, which plays App Service authentication: each route
 * asks for its role (401 without a principal, 403 naming the missing role), the audit records the
 * signed-in principal and never a name from the request, verification follows four eyes, and an
 * override needs Stamps.Admin and a reason. The table below is the issue's, written out here on
 * its own, so that a route registered with another role fails it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { encodeClientPrincipal } from '../../shared/auth/principal';
import { LOCAL_ACTION_GROUP } from '../../shared/local/host/localIdentity';
import { perSuite, perTest } from '../support/lifetime';
import { type E2E, startE2E } from './support/harness';

type Needs = 'Stamps.Reader' | 'Stamps.Operator' | 'Stamps.Approver' | 'signed-in' | 'alert-sender';

interface RouteCase {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly needs: Needs;
}

/** `route` is `METHOD template` as the host lists it; `path` fills the template in. */
const call = (route: string, path: string, needs: Needs, body?: unknown): RouteCase => ({
  route,
  method: route.split(' ')[0] ?? 'GET',
  path,
  needs,
  ...(body === undefined ? {} : { body }),
});

const ROUTES: readonly RouteCase[] = [
  call('GET stamps', '/api/stamps', 'Stamps.Reader'),
  call('GET stamps/{id}', '/api/stamps/weu-001', 'Stamps.Reader'),
  call('GET stamps/{id}/history', '/api/stamps/weu-001/history', 'Stamps.Reader'),
  call('GET stamps/{id}/archive', '/api/stamps/weu-001/archive', 'Stamps.Reader'),
  call('GET regions', '/api/regions', 'Stamps.Reader'),
  call('GET regions/{name}', '/api/regions/eastus', 'Stamps.Reader'),
  call('GET signals', '/api/signals', 'Stamps.Reader'),
  call('GET incidents', '/api/incidents', 'Stamps.Reader'),
  call('GET metrics', '/api/metrics', 'Stamps.Reader'),
  call('GET events', '/api/events?wait=0', 'Stamps.Reader'),
  call('POST stamps', '/api/stamps', 'Stamps.Operator', { region: 'eastus' }),
  ...[
    'drain',
    'isolate',
    'rejoin',
    'cancel-drain',
    'pause-ramp',
    'continue-ramp',
    'skip-ramp',
    'cleanup',
  ].map((command) =>
    call(`POST stamps/{id}/${command}`, `/api/stamps/sea-003/${command}`, 'Stamps.Operator', { reason: 'r' }),
  ),
  call('POST stamps/{id}/verify', '/api/stamps/sea-003/verify', 'Stamps.Approver', { reason: 'r' }),
  call('PUT regions/{name}', '/api/regions/southeastasia', 'Stamps.Operator', { desired: 3, reason: 'r' }),
  call('GET me', '/api/me', 'signed-in'),
  call('GET openapi.json', '/api/openapi.json', 'signed-in'),
  call('GET dashboard', '/api/dashboard', 'signed-in'),
  call('POST alerts', '/api/alerts', 'alert-sender', { schemaId: 'x' }),
];

/** One local user per role, one with none, and one holding every role (strict: no default user). */
const USERS =
  'reader=Stamps.Reader,operator=Stamps.Operator,approver=Stamps.Approver,admin=Stamps.Admin,' +
  'outsider=,everything=Stamps.Reader+Stamps.Operator+Stamps.Approver+Stamps.Admin+Stamps.AlertSender';

/** Who holds what a route needs, and who does not (Admin includes Operator and Reader, not Approver). */
const HOLDERS: Readonly<Record<Needs, { readonly allowed: string[]; readonly refused: string[] }>> = {
  'Stamps.Reader': { allowed: ['reader', 'operator', 'approver', 'admin'], refused: ['outsider'] },
  'Stamps.Operator': { allowed: ['operator', 'admin'], refused: ['outsider', 'reader', 'approver'] },
  'Stamps.Approver': { allowed: ['approver'], refused: ['outsider', 'reader', 'operator', 'admin'] },
  'signed-in': { allowed: ['outsider', 'reader'], refused: [] },
  'alert-sender': { allowed: [LOCAL_ACTION_GROUP.name], refused: ['admin', 'reader'] },
};

function forgedPrincipal(name: string): Record<string, string> {
  const principal = encodeClientPrincipal({
    id: '00000000-0000-0000-0000-00000000c0de',
    name,
    roles: ['Stamps.Admin', 'Stamps.Approver', 'Stamps.AlertSender'],
    provider: 'aad',
  });
  return {
    'x-ms-client-principal': principal,
    'x-ms-client-principal-id': '00000000-0000-0000-0000-00000000c0de',
    'x-ms-client-principal-name': name,
  };
}

describe('sign-in: every route asks for its role', () => {
  const e2e = perSuite(
    () => startE2E({ env: { STAMPS_LOCAL_AUTH: 'strict', STAMPS_LOCAL_USERS: USERS } }),
    (r) => r.stop(),
  );

  it('the table names every registered route', () => {
    assert.deepEqual(e2e().plane.host.httpRoutes.sort(), ROUTES.map((r) => r.route).sort());
  });

  for (const route of ROUTES) {
    it(`${route.route}: 401 without a principal, 403 without ${route.needs}, through with it`, async () => {
      const send = (headers: Record<string, string>) =>
        e2e().api(route.method, route.path, route.body, headers);
      const anonymous = await send({});
      assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
      assert.match(anonymous.contentType, /^application\/problem\+json/);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
      const { allowed, refused } = HOLDERS[route.needs];
      for (const user of refused) {
        const answer = await send(e2e().as(user));
        if (route.needs === 'alert-sender') {
          assert.equal(answer.status, 401, `${user}: only the action group or the alert key`);
          continue;
        }
        assert.equal(answer.status, 403, `${user}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.contentType, /^application\/problem\+json/);
        assert.equal(answer.body['role'], route.needs, user);
        assert.match(
          String(answer.body['detail']),
          new RegExp(`needs the ${route.needs.replace('.', '\\.')} role; ${user} has`),
        );
      }
      for (const user of allowed) {
        const answer = await send(e2e().as(user));
        assert.ok(
          ![401, 403].includes(answer.status),
          `${user}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
    });
  }

  it('a token the host did not issue is refused, and so is a principal header the client wrote itself', async () => {
    const invalid = await e2e().api('GET', '/api/stamps', undefined, { authorization: 'Bearer made-up' });
    assert.equal(invalid.status, 401);
    // App Service removes client-sent identity headers; the local host too, so this is nobody.
    const forged = await e2e().api('GET', '/api/stamps', undefined, forgedPrincipal('ceo@contoso.com'));
    assert.equal(forged.status, 401, JSON.stringify(forged.body));
    const alert = await e2e().api('POST', '/api/alerts', { schemaId: 'x' }, forgedPrincipal('azure-monitor'));
    assert.equal(alert.status, 401);
  });

  it('GET /api/me says who is signed in and what they may do', async () => {
    const me = await e2e().api('GET', '/api/me', undefined, e2e().as('approver'));
    assert.equal(me.status, 200);
    assert.equal(me.body['name'], 'approver');
    assert.equal(me.body['id'], e2e().plane.identity.principalOf('approver').id);
    const can = me.body['can'] as { roles: string[]; commands: Record<string, boolean>; override: boolean };
    assert.deepEqual(can.roles, ['Stamps.Reader', 'Stamps.Approver']);
    assert.deepEqual(can.commands, {
      drain: false,
      isolate: false,
      verify: true,
      rejoin: false,
      'cancel-drain': false,
      'pause-ramp': false,
      'continue-ramp': false,
      'skip-ramp': false,
      cleanup: false,
    });
    assert.equal(can.override, false);
  });
});

/** A control plane whose verifications wait for an approver, signing in `users`. */
const approvalsWith = (env: Record<string, string>) => () =>
  startE2E({ env: { STAMPS_QUARANTINE_REQUIRE_APPROVAL: 'true', ...env } });
const stop = (plane: E2E) => plane.stop();

describe('sign-in: the audit names the principal, never the request', () => {
  const e2e = perTest(
    approvalsWith({
      STAMPS_LOCAL_USERS:
        'ops-lead=Stamps.Operator+Stamps.Approver,approver=Stamps.Approver,admin=Stamps.Admin',
    }),
    stop,
  );
  const drainToQuarantine = async (e: E2E, id: string): Promise<void> => {
    const drain = await e.api('POST', `/api/stamps/${id}/drain`, { reason: 'retire', drainMinutes: 5 });
    assert.equal(drain.status, 202, JSON.stringify(drain.body));
    await e.advance(30);
    assert.equal((await e.stamp(id))['phase'], 'quarantined');
  };
  type Cause = { actor?: string; actorId?: string; eventId: string };
  /** A verification, as the default user (who drained it) or as `user`. */
  const verify = (id: string, user?: string) =>
    e2e().api(
      'POST',
      `/api/stamps/${id}/verify`,
      { reason: 'checked' },
      user === undefined ? {} : e2e().as(user),
    );
  const history = async (e: E2E, id: string) =>
    (await e.stamp(id))['history'] as { to: string; cause: Cause; refused?: { guard: string } }[];

  it('a drain is recorded with the signed-in principal; a header naming someone else changes nothing', async () => {
    const answer = await e2e().api(
      'POST',
      '/api/stamps/weu-003/drain',
      { reason: 'patching' },
      {
        ...forgedPrincipal('ceo@contoso.com'),
      },
    );
    assert.equal(answer.status, 202);
    const [last] = (await history(e2e(), 'weu-003')).slice(-1);
    assert.equal(last?.cause.actor, 'ops-lead', 'the default local user, as the host signed it in');
    assert.equal(last?.cause.actorId, e2e().plane.identity.principalOf('ops-lead').id);
  });

  it("another site's page cannot make a browser change anything, though the browser would be signed in", async () => {
    const crossSite = { 'sec-fetch-site': 'cross-site' };
    const drain = await e2e().api('POST', '/api/stamps/weu-003/drain', { reason: 'r' }, crossSite);
    assert.equal(drain.status, 403);
    assert.match(String(drain.body['detail']), /a cross-site request cannot change anything here/);
    const sim = await e2e().api('POST', '/sim/stamps/weu-003/fail', {}, crossSite);
    assert.equal(sim.status, 403);
    // A "simple" request needs no preflight: its body can only be text/plain (or a form).
    const simple = await fetch(`${e2e().plane.origin}/api/stamps/weu-003/drain`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; x=json' },
      body: '{"reason":"r"}',
    });
    assert.equal(simple.status, 415);
    await e2e().settle();
    assert.equal((await e2e().stamp('weu-003'))['phase'], 'active');
    const own = await e2e().api(
      'POST',
      '/api/stamps/weu-003/drain',
      { reason: 'r' },
      { 'sec-fetch-site': 'same-origin' },
    );
    assert.equal(own.status, 202, 'the dashboard on its own origin');
  });

  it('a body that names who asks is refused with what to do', async () => {
    const named = await e2e().api('POST', '/api/stamps/weu-003/drain', { reason: 'r', actor: 'mallory' });
    assert.equal(named.status, 400);
    assert.match(String(named.body['detail']), /'actor' is not taken: who asks is the signed-in principal/);
    const approved = await e2e().api('POST', '/api/stamps/weu-003/verify', {
      approvedBy: 'Chief Security Officer (definitely)',
    });
    assert.equal(approved.status, 400);
    assert.match(String(approved.body['detail']), /'approvedBy' is not taken/);
    assert.equal((await e2e().stamp('weu-003'))['phase'], 'active');
  });

  it('four eyes: who drained a stamp cannot approve it; another approver can, and is the one recorded', async () => {
    await drainToQuarantine(e2e(), 'weu-003');
    const own = await verify('weu-003');
    assert.equal(own.status, 409, JSON.stringify(own.body));
    assert.equal(own.body['guard'], 'four-eyes');
    assert.match(String(own.body['detail']), /ops-lead started the retirement of weu-003/);
    const other = await verify('weu-003', 'approver');
    assert.equal(other.status, 202, JSON.stringify(other.body));
    await e2e().settle();
    const stamp = await e2e().stamp('weu-003');
    assert.equal(stamp['phase'], 'decommissioning');
    const verified = (stamp['history'] as { to: string; cause: Cause }[]).find(
      (h) => h.to === 'decommissioning',
    );
    assert.equal(verified?.cause.actor, 'approver');
    assert.equal(verified?.cause.actorId, e2e().plane.identity.principalOf('approver').id);
  });

  it('four eyes hold for an isolation too: who isolated a stamp cannot approve it, whoever drained it', async () => {
    const isolate = await e2e().api('POST', '/api/stamps/weu-002/isolate', { reason: 'suspicious traffic' });
    assert.equal(isolate.status, 202, JSON.stringify(isolate.body));
    const drain = await e2e().api(
      'POST',
      '/api/stamps/weu-002/drain',
      { reason: 'retire it', drainMinutes: 5 },
      e2e().as('admin'),
    );
    assert.equal(drain.status, 202, JSON.stringify(drain.body));
    await e2e().advance(30);
    assert.equal((await e2e().stamp('weu-002'))['phase'], 'quarantined');
    assert.equal((await verify('weu-002')).body['guard'], 'four-eyes');
    assert.equal((await verify('weu-002', 'approver')).status, 202);
  });

  it('an override needs Stamps.Admin and a reason', async () => {
    assert.equal((await e2e().api('POST', '/api/stamps/eus-001/drain', { reason: 'r' })).status, 202);
    assert.equal((await e2e().api('POST', '/api/stamps/eus-002/drain', { reason: 'r' })).status, 202);
    // eus-003 is the last in rotation in eastus: the guard refuses, an override would pass it.
    const refused = await e2e().api('POST', '/api/stamps/eus-003/drain', { reason: 'r' });
    assert.equal(refused.status, 409);
    const byOperator = await e2e().api('POST', '/api/stamps/eus-003/drain', {
      reason: 'rebuild',
      override: true,
    });
    assert.equal(byOperator.status, 403, JSON.stringify(byOperator.body));
    assert.equal(byOperator.body['role'], 'Stamps.Admin');
    const admin = e2e().as('admin');
    const noReason = await e2e().api('POST', '/api/stamps/eus-003/drain', { override: true }, admin);
    assert.equal(noReason.status, 400);
    assert.match(String(noReason.body['detail']), /an override needs a reason/);
    const passed = await e2e().api(
      'POST',
      '/api/stamps/eus-003/drain',
      { override: true, reason: 'rebuild' },
      admin,
    );
    assert.equal(passed.status, 202, JSON.stringify(passed.body));
    await e2e().settle();
    const [last] = (await history(e2e(), 'eus-003')).slice(-1);
    assert.equal(last?.cause.actor, 'admin');
  });
});

describe('sign-in: the rules are configurable', () => {
  const e2e = perSuite(
    approvalsWith({
      STAMPS_FOUR_EYES: 'false',
      STAMPS_OVERRIDE_REQUIRES_ADMIN: 'false',
      STAMPS_LOCAL_USERS: 'ops-lead=Stamps.Operator+Stamps.Approver',
    }),
    stop,
  );

  it('without four eyes the one on call may approve their own drain; an operator may override', async () => {
    assert.equal(
      (await e2e().api('POST', '/api/stamps/eus-001/drain', { reason: 'r', drainMinutes: 5 })).status,
      202,
    );
    assert.equal((await e2e().api('POST', '/api/stamps/eus-002/drain', { reason: 'r' })).status, 202);
    const override = await e2e().api('POST', '/api/stamps/eus-003/drain', {
      reason: 'rebuild',
      override: true,
    });
    assert.equal(override.status, 202, JSON.stringify(override.body));
    await e2e().advance(30);
    assert.equal((await e2e().stamp('eus-001'))['phase'], 'quarantined');
    const own = await e2e().api('POST', '/api/stamps/eus-001/verify', { reason: 'checked' });
    assert.equal(own.status, 202, JSON.stringify(own.body));
  });
});

describe("sign-in: the alert receiver's own key", () => {
  const KEY = 'a-sender-outside-azure-0123456789abcdef';
  const e2e = perSuite(
    () => startE2E({ env: { STAMPS_ALERT_KEY: KEY, STAMPS_LOCAL_AUTH: 'strict' } }),
    (r) => r.stop(),
  );
  const unmatched = { schemaId: 'azureMonitorCommonAlertSchema', data: {} };

  it('takes its key in x-stamps-alert-key instead of the secure webhook token, and nothing else', async () => {
    const keyed = await e2e().api('POST', '/api/alerts', unmatched, { 'x-stamps-alert-key': KEY });
    assert.equal(keyed.status, 202, JSON.stringify(keyed.body));
    const wrong = await e2e().api('POST', '/api/alerts', unmatched, { 'x-stamps-alert-key': `${KEY}x` });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.body['detail']), /does not hold this receiver's key/);
    // A function key, as the action group's Azure Function receiver sends it, is not the receiver's key.
    const functionKey = await e2e().api('POST', `/api/alerts?code=${KEY}`, unmatched, {
      'x-functions-key': KEY,
    });
    assert.equal(functionKey.status, 401);
  });

  it('without a configured key, a key is refused with what to send instead', async () => {
    const plain = await startE2E({ seed: false, env: { STAMPS_LOCAL_AUTH: 'strict' } });
    try {
      const answer = await plain.api('POST', '/api/alerts', unmatched, { 'x-stamps-alert-key': KEY });
      assert.equal(answer.status, 401);
      assert.match(String(answer.body['detail']), /takes no alert key \(STAMPS_ALERT_KEY is not set\)/);
    } finally {
      await plain.stop();
    }
  });
});
