/**
 * `?dryRun=true` on every operator route: it answers what the real call would decide (the
 * transition, the effects, the guard that would refuse, the capacity afterwards) and changes
 * nothing, not the store, the queue, the orchestrations, the events published, nor the
 * Idempotency-Keys. Each case below runs the dry run, checks that nothing changed, then makes the
 * real call and checks that it decided the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { readLedgers } from '../../shared/app/fleet';
import { LOCAL_ACTION_GROUP } from '../../shared/local/host/localIdentity';
import type { Deployer } from '../../shared/ports/deployer';
import { perSuite } from '../support/lifetime';
import { type ApiAnswer, type E2E, startE2E } from './support/harness';

/** Everything a change could touch, as one text to compare. */
async function everything(e2e: E2E): Promise<string> {
  const svc = e2e.plane.services;
  const stamps = await svc.store.list();
  const histories = await Promise.all(stamps.map((s) => svc.store.history(s.id)));
  const inboxes = await Promise.all(stamps.map((s) => svc.store.readInbox(s.id)));
  const ledgers = (await readLedgers(svc.store, svc.config.policy)).map((l) => l.ledger);
  return JSON.stringify({
    stamps,
    histories,
    inboxes,
    ledgers,
    summary: (await svc.store.getFleetSummary()).regions,
    queue: e2e.plane.bus.messages('stamp-lifecycle').map((m) => m.messageId),
    published: e2e.published.length,
    instances: (await e2e.plane.runtime.listInstances()).map((i) => [i.instanceId, i.runtimeStatus]),
  });
}

interface Case {
  readonly name: string;
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly body: unknown;
  /** What the dry run says: the state it would reach, or the guard that would refuse. */
  readonly expect: { readonly to: string } | { readonly guard: string };
}

/** `METHOD path` with its body, and what the dry run should say. */
const change = (
  name: string,
  route: string,
  body: unknown,
  expect: { readonly to: string } | { readonly guard: string },
): Case => {
  const [method = 'POST', path = ''] = route.split(' ');
  return { name, method: method === 'PUT' ? 'PUT' : 'POST', path, body, expect };
};

const CASES: readonly Case[] = [
  change(
    'a drain',
    'POST /api/stamps/eus-002/drain',
    { reason: 'r', drainMinutes: 30 },
    { to: 'draining/none' },
  ),
  change(
    'a cancelled drain',
    'POST /api/stamps/eus-002/cancel-drain',
    { reason: 'wrong stamp' },
    { to: 'active/in-rotation' },
  ),
  change(
    'an isolation',
    'POST /api/stamps/sea-001/isolate',
    { reason: 'latency' },
    { to: 'active/isolated' },
  ),
  change(
    'a rejoin',
    'POST /api/stamps/sea-001/rejoin',
    { reason: 'false alarm' },
    { to: 'active/in-rotation' },
  ),
  change(
    'a verification of an active stamp',
    'POST /api/stamps/weu-001/verify',
    {},
    { guard: 'transition-table' },
  ),
  // The seed's stamps were imported in service: none ramps, so each ramp command is refused.
  ...(['pause-ramp', 'continue-ramp', 'skip-ramp'] as const).map((command) =>
    change(
      `a ${command} of a stamp that is not ramping`,
      `POST /api/stamps/weu-002/${command}`,
      { reason: 'r' },
      { guard: 'transition-table' },
    ),
  ),
  change(
    'a cleanup of an active stamp',
    'POST /api/stamps/weu-001/cleanup',
    { reason: 'r' },
    { guard: 'transition-table' },
  ),
  change(
    'a drain of one of three in eastus',
    'POST /api/stamps/eus-001/drain',
    { reason: 'r' },
    { to: 'draining/none' },
  ),
  change(
    'a drain of the second of them',
    'POST /api/stamps/eus-002/drain',
    { reason: 'r' },
    { to: 'draining/none' },
  ),
  change(
    'a drain that would leave none in rotation',
    'POST /api/stamps/eus-003/drain',
    { reason: 'r' },
    { guard: 'min-in-rotation' },
  ),
  change(
    'a stamp request for a full region',
    'POST /api/stamps',
    { region: 'southeastasia' },
    { guard: 'capacity' },
  ),
  change(
    'a lower desired count',
    'PUT /api/regions/southeastasia',
    { desired: 2, reason: 'night' },
    { to: 'desired 2' },
  ),
];

function dryRunDecision(answer: ApiAnswer): { readonly to: string } | { readonly guard: string } {
  if (answer.status === 409) return { guard: String(answer.body['guard']) };
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body['dryRun'], true);
  const transition = answer.body['transition'] as { to: { phase: string; traffic: string } } | undefined;
  if (transition !== undefined) return { to: `${transition.to.phase}/${transition.to.traffic}` };
  return { to: String(answer.body['summary']).replace(/^desired of \w+: \d+ → /, 'desired ') };
}

describe('dry run: every operator route answers what it would do and changes nothing', () => {
  const e2e = perSuite(
    // Room for one more stamp in westeurope and in the fleet; southeastasia stays full.
    () =>
      startE2E({
        env: {
          STAMPS_REGIONS: 'westeurope:weu:1:5:4,eastus:eus:2:3,southeastasia:sea:3:3',
          STAMPS_TOTAL_MAX: '14',
        },
      }),
    (r) => r.stop(),
  );

  it('a stamp request: the dry run names the region, the id and the deployment it would start', async () => {
    await e2e().settle();
    const before = await everything(e2e());
    const dry = await e2e().api('POST', '/api/stamps?dryRun=true', { region: 'westeurope', reason: 'more' });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const transition = dry.body['transition'] as { stampId: string; to: { phase: string } };
    assert.equal(transition.to.phase, 'provisioning');
    const effects = dry.body['effects'] as { kind: string }[];
    assert.ok(effects.some((e) => e.kind === 'start-deployment'));
    // The what-if of the stamp template, by resource type (locally read from the compiled template).
    const deployment = dry.body['deployment'] as {
      byType: Record<string, number>;
      byChange: Record<string, number>;
      quotaLeft: number;
    };
    assert.equal(deployment.byType['Microsoft.ContainerService/managedClusters'], 1);
    assert.ok(
      (deployment.byType['Microsoft.Network/privateEndpoints'] ?? 0) >= 5,
      JSON.stringify(deployment.byType),
    );
    assert.deepEqual(Object.keys(deployment.byChange), ['Create']);
    assert.equal(deployment.quotaLeft, 3, 'westeurope: max 5 + 2 groups, 4 used');
    // Every write of it checked against the roles the control-plane template grants the app.
    assert.deepEqual((dry.body['deployment'] as { permissions: unknown }).permissions, {
      checked: true,
      refused: [],
    });
    const regions = dry.body['regionsAfter'] as { name: string; holding: number; desired: number }[];
    assert.deepEqual(
      regions.filter((r) => r.name === 'westeurope').map((r) => [r.holding, r.desired]),
      [[5, 5]],
      'one more held, and the desired count raised with it',
    );
    assert.equal(await everything(e2e()), before);
    const real = await e2e().api('POST', '/api/stamps', { region: 'westeurope', reason: 'more' });
    assert.equal(real.status, 202);
    assert.equal(real.body['id'], transition.stampId, 'the id the dry run said');
  });

  for (const c of CASES) {
    it(`${c.name}: the dry run decides as the real call, and writes nothing`, async () => {
      await e2e().settle();
      const before = await everything(e2e());
      const key = { 'idempotency-key': `dry-${c.name.replace(/\W+/g, '-')}` };
      const dry = await e2e().api(c.method, `${c.path}?dryRun=true`, c.body, key);
      assert.deepEqual(dryRunDecision(dry), c.expect, JSON.stringify(dry.body));
      assert.equal(await everything(e2e()), before, 'the dry run changed something');
      // The real call, with the same key: the dry run did not take it.
      const real = await e2e().api(c.method, c.path, c.body, key);
      assert.equal(real.headers.get('idempotent-replayed'), null);
      if ('guard' in c.expect) {
        assert.equal(real.status, 409, JSON.stringify(real.body));
        assert.equal(real.body['guard'], c.expect.guard);
        assert.equal(real.body['detail'], dry.body['detail'], 'the same reason');
        return;
      }
      assert.equal(real.status, 202, JSON.stringify(real.body));
      await e2e().settle();
      if (c.method === 'PUT') {
        assert.equal(real.body['desired'], (c.body as { desired: number }).desired);
        return;
      }
      const id = c.path.split('/')[3] ?? '';
      const stamp = await e2e().stamp(id);
      assert.equal(`${String(stamp['phase'])}/${String(stamp['traffic'])}`, c.expect.to);
    });
  }

  it('a lower desired count: the dry run says which stamp the reconciler would retire', async () => {
    // Once the new stamps serve: the reconciler retires a surplus only then.
    await e2e().advance(45);
    const dry = await e2e().api('PUT', '/api/regions/westeurope?dryRun=true', {
      desired: 3,
      reason: 'night',
    });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const reconciler = dry.body['reconciler'] as string[];
    assert.ok(
      reconciler.some((line) => /^westeurope: retiring weu-\d{3}/.test(line)),
      JSON.stringify(reconciler),
    );
  });

  it('refuses a dryRun value that is not true or false, and a dry run needs the same role', async () => {
    const bad = await e2e().api('POST', '/api/stamps/weu-002/drain?dryRun=yes', { reason: 'r' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['detail']), /dryRun must be true or false, got 'yes'/);
    const approver = await e2e().api(
      'POST',
      '/api/stamps/weu-002/drain?dryRun=true',
      { reason: 'r' },
      e2e().as('local-approver'),
    );
    assert.equal(approver.status, 403);
  });
});

/** The Deployer of `deployer`, except that the subscription's quota in `region` is used up. */
function quotaSpentIn(region: string, deployer: Deployer): Deployer {
  return new Proxy(deployer, {
    get(target, name) {
      if (name === 'remainingStampQuota')
        return (asked: string) => (asked === region ? Promise.resolve(0) : target.remainingStampQuota(asked));
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** An empty fleet whose subscription has no quota left in eastus. */
const withoutQuotaInEastus = (): Promise<E2E> =>
  startE2E({
    seed: false,
    env: { STAMPS_REGIONS: 'westeurope:weu:1:4:0,eastus:eus:2:3:0' },
    decorate: (services) => ({ ...services, deployer: quotaSpentIn('eastus', services.deployer) }),
  });

describe('dry run: a stamp request that the quota would refuse', () => {
  const e2e = perSuite(withoutQuotaInEastus, (r) => r.stop());

  it('is refused before it starts, naming the quota, and nothing is written', async () => {
    const before = await everything(e2e());
    const dry = await e2e().api('POST', '/api/stamps?dryRun=true', { region: 'eastus' });
    assert.equal(dry.status, 409, JSON.stringify(dry.body));
    assert.equal(dry.body['guard'], 'quota');
    assert.match(String(dry.body['detail']), /quota in eastus allows no more stamps/);
    assert.equal(await everything(e2e()), before);
  });
});

describe('dry run: a stamp request that the roles would refuse', () => {
  const e2e = perSuite(
    () => startE2E({ seed: false, env: { STAMPS_REGIONS: 'westeurope:weu:1:4:0' } }),
    (r) => r.stop(),
  );

  it('is refused before it starts, naming the writes that ARM would refuse', async () => {
    // Contributor alone, as before Resource Policy Contributor was granted (issue 11, defect 2).
    const contributor = (await e2e().plane.sim.deploymentPermissions())?.[0];
    assert.ok(contributor);
    e2e().plane.sim.withPermissions([contributor]);
    const dry = await e2e().api('POST', '/api/stamps?dryRun=true', { region: 'westeurope' });
    assert.equal(dry.status, 409, JSON.stringify(dry.body));
    assert.equal(dry.body['guard'], 'authorization');
    assert.match(
      String(dry.body['detail']),
      /do not allow .*Microsoft\.Authorization\/policyAssignments\/write/,
    );
    e2e().plane.sim.withPermissions(undefined);
    assert.equal((await e2e().api('POST', '/api/stamps?dryRun=true', { region: 'westeurope' })).status, 200);
  });
});

describe('dry run: the alert receiver', () => {
  const e2e = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );
  const originAlert = (stampId: string) => ({
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/dry-${stampId}`,
        alertRule: 'origin-health',
        severity: 'Sev1',
        monitorCondition: 'Fired',
        firedDateTime: e2e().clock.now().toISOString(),
        resolvedDateTime: null,
      },
      alertContext: {
        properties: null,
        condition: {
          allOf: [{ metricName: 'OriginHealthPercentage', dimensions: [{ name: 'Origin', value: stampId }] }],
        },
      },
      customProperties: null,
    },
  });
  const asActionGroup = () => e2e().as(LOCAL_ACTION_GROUP.name);

  it('says what a failing-probe alert would do to its stamp, and records, publishes and queues nothing', async () => {
    await e2e().settle();
    const before = await everything(e2e());
    const signalsBefore = await e2e().api('GET', '/api/signals');
    const dry = await e2e().api('POST', '/api/alerts?dryRun=true', originAlert('weu-002'), asActionGroup());
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body['status'], 'would-publish');
    assert.equal((dry.body['signal'] as { type: string }).type, 'HealthProbeFailed');
    assert.equal(dry.body['outcome'], 'accepted');
    assert.equal(await everything(e2e()), before);
    assert.deepEqual(
      (await e2e().api('GET', '/api/signals')).body,
      signalsBefore.body,
      'nothing in the signal log',
    );
    // The real alert then is not a duplicate of the dry run.
    const real = await e2e().api('POST', '/api/alerts', originAlert('weu-002'), asActionGroup());
    assert.equal(real.body['status'], 'published');
  });

  it('an alert that names no stamp is unmatched, as the real receiver would say', async () => {
    const dry = await e2e().api(
      'POST',
      '/api/alerts?dryRun=true',
      { schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: {} } },
      asActionGroup(),
    );
    assert.equal(dry.status, 200);
    assert.equal(dry.body['dryRun'], true);
    assert.ok(['unmatched', 'rejected'].includes(String(dry.body['status'])), JSON.stringify(dry.body));
  });
});
