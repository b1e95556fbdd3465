import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ARM_SCOPE,
  createAzureAdapters,
  createHttpsOriginHealthProbe,
  type ProbeFetch,
} from '../../../shared/azure';
import { ConflictError, NotFoundError, TerminalError, ValidationError } from '../../../shared/errors';
import type { TrafficManager } from '../../../shared/ports/trafficManager';
import { type ArmStandIn, startArmStandIn } from './support/armStandIn';
import { armStandInSuite } from './support/armSuite';
import { azureConfig, STATIC_TOKEN, StaticTokenCredential, SUBSCRIPTION_ID } from './support/fixtures';

const API = '2024-02-01';
const ORIGINS = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-global/providers/Microsoft.Cdn/profiles/synaxis-fd/originGroups/stamps/origins`;

function trafficFor(arm: ArmStandIn, maxRetries?: number): TrafficManager {
  return createAzureAdapters(azureConfig(), {
    credential: new StaticTokenCredential(),
    arm: {
      endpoint: arm.endpoint,
      credentialScopes: [ARM_SCOPE],
      agent: arm.agent,
      ...(maxRetries === undefined ? {} : { retryOptions: { maxRetries } }),
    },
    updateIntervalInMs: 5,
  }).trafficManager;
}

const SPEC = {
  stampId: 'weu-001',
  hostName: 'weu-001.stamps.example.net',
  priority: 1,
  weight: 1000,
  enabled: false,
};

void describe('FrontDoorTrafficManager against the ARM stand-in (arm-cdn 9.1.0)', () => {
  let traffic: TrafficManager;
  let noRetry: TrafficManager;

  const arm = armStandInSuite((standIn) => {
    traffic = trafficFor(standIn);
    noRetry = trafficFor(standIn, 0);
  });

  void it('upsertOrigin PUTs the origin, waits for its operation, and a repeat updates it', async () => {
    await traffic.upsertOrigin(SPEC);
    const significant = arm().significantCalls();
    assert.deepEqual(
      significant.map((c) => [c.method, c.path, c.apiVersion]),
      [
        ['PUT', `${ORIGINS}/weu-001`, API],
        // The SDK's final read after the Azure-AsyncOperation says Succeeded.
        ['GET', `${ORIGINS}/weu-001`, API],
      ],
    );
    assert.deepEqual(significant[0]?.body, {
      properties: {
        hostName: 'weu-001.stamps.example.net',
        originHostHeader: 'weu-001.stamps.example.net',
        httpPort: 80,
        httpsPort: 443,
        priority: 1,
        weight: 1000,
        enabledState: 'Disabled',
        enforceCertificateNameCheck: true,
      },
    });
    assert.ok(arm().calls.length >= 4, 'polled the operation until done');
    for (const call of arm().calls) assert.equal(call.authorization, `Bearer ${STATIC_TOKEN}`);
    assert.equal(arm().origin('weu-001')?.properties['provisioningState'], 'Succeeded');

    await traffic.upsertOrigin({ ...SPEC, weight: 500, enabled: true });
    assert.deepEqual(await traffic.getOrigin('weu-001'), {
      stampId: 'weu-001',
      hostName: 'weu-001.stamps.example.net',
      enabled: true,
      priority: 1,
      weight: 500,
    });
    assert.equal(arm().calls.filter((c) => c.method === 'PUT').length, 2);
  });

  /** Runs `change` on a fresh origin and answers the one PATCH it sent and the origin after it. */
  async function patched(
    spec: Partial<typeof SPEC> & { stampId: string },
    change: () => Promise<void>,
  ): Promise<{ patch: ReturnType<ArmStandIn['significantCalls']>[number] | undefined; after: unknown }> {
    await traffic.upsertOrigin({ ...SPEC, hostName: `${spec.stampId}.example.net`, ...spec });
    arm().calls.length = 0;
    await change();
    const patch = arm()
      .significantCalls()
      .find((c) => c.method === 'PATCH');
    return { patch, after: await traffic.getOrigin(spec.stampId) };
  }

  void it('setOriginEnabled PATCHes only enabledState; the other properties stay', async () => {
    const { patch, after } = await patched({ stampId: 'weu-002', priority: 2, weight: 70 }, () =>
      traffic.setOriginEnabled('weu-002', true),
    );
    assert.equal(patch?.path, `${ORIGINS}/weu-002`);
    assert.equal(patch?.apiVersion, API);
    assert.deepEqual(patch?.body, { properties: { enabledState: 'Enabled' } });
    assert.deepEqual(after, {
      stampId: 'weu-002',
      hostName: 'weu-002.example.net',
      enabled: true,
      priority: 2,
      weight: 70,
    });
    await traffic.setOriginEnabled('weu-002', false);
    await traffic.setOriginEnabled('weu-002', false);
    assert.equal((await traffic.getOrigin('weu-002'))?.enabled, false);
  });

  void it('setOriginWeight PATCHes only the weight (a ramp step); enabledState and the rest stay; a missing origin is a NotFoundError', async () => {
    const { patch, after } = await patched({ stampId: 'weu-006', weight: 10, enabled: true }, () =>
      traffic.setOriginWeight('weu-006', 100),
    );
    assert.equal(patch?.path, `${ORIGINS}/weu-006`);
    assert.deepEqual(patch?.body, { properties: { weight: 100 } });
    assert.deepEqual(after, {
      stampId: 'weu-006',
      hostName: 'weu-006.example.net',
      enabled: true,
      priority: 1,
      weight: 100,
    });
    await assert.rejects(traffic.setOriginWeight('weu-006', 0), ValidationError, 'Front Door refuses 0');
    await assert.rejects(traffic.setOriginWeight('weu-404', 10), NotFoundError);
  });

  void it('setOriginEnabled on a missing origin is a NotFoundError', async () => {
    await assert.rejects(traffic.setOriginEnabled('weu-404', false), NotFoundError);
  });

  void it('removeOrigin DELETEs and waits; removing it again (204, or 404) succeeds', async () => {
    await traffic.upsertOrigin({ ...SPEC, stampId: 'weu-003' });
    arm().calls.length = 0;
    await traffic.removeOrigin('weu-003');
    assert.deepEqual(
      arm()
        .significantCalls()
        .map((c) => [c.method, c.path, c.apiVersion]),
      [['DELETE', `${ORIGINS}/weu-003`, API]],
    );
    assert.ok(arm().calls.length >= 3, 'polled the delete operation until done');
    assert.equal(arm().origin('weu-003'), undefined);
    await traffic.removeOrigin('weu-003');
    arm().failNext({
      method: 'DELETE',
      path: /origins\/weu-003$/,
      status: 404,
      body: { error: { code: 'NotFound', message: 'gone' } },
    });
    await traffic.removeOrigin('weu-003');
    assert.equal(await traffic.getOrigin('weu-003'), undefined);
  });

  void it('listOrigins follows nextLink and maps enabledState, hostName, priority, weight', async () => {
    for (const [i, id] of ['sea-001', 'sea-002', 'sea-003'].entries()) {
      await traffic.upsertOrigin({
        stampId: id,
        hostName: `${id}.example.net`,
        priority: i + 1,
        weight: 10 * (i + 1),
        enabled: i !== 1,
      });
    }
    arm().originPageSize = 2;
    arm().calls.length = 0;
    const listed = (await traffic.listOrigins()).filter((o) => o.stampId.startsWith('sea-'));
    assert.deepEqual(listed, [
      { stampId: 'sea-001', hostName: 'sea-001.example.net', enabled: true, priority: 1, weight: 10 },
      { stampId: 'sea-002', hostName: 'sea-002.example.net', enabled: false, priority: 2, weight: 20 },
      { stampId: 'sea-003', hostName: 'sea-003.example.net', enabled: true, priority: 3, weight: 30 },
    ]);
    assert.ok(arm().calls.length >= 2, 'read more than one page');
    assert.ok(arm().calls.every((c) => c.method === 'GET' && c.path === ORIGINS && c.apiVersion === API));
  });

  void it('a 429 with retry-after-ms is retried; 409 and 412 are ConflictErrors', async () => {
    arm().failNext({
      method: 'PUT',
      path: /origins\/weu-004$/,
      status: 429,
      headers: { 'retry-after-ms': '50' },
      body: { error: { code: 'TooManyRequests', message: 'slow down' } },
    });
    await traffic.upsertOrigin({ ...SPEC, stampId: 'weu-004' });
    assert.equal(arm().calls.filter((c) => c.method === 'PUT').length, 2);

    arm().failNext({
      method: 'PATCH',
      path: /origins\/weu-004$/,
      status: 412,
      body: { error: { code: 'PreconditionFailed', message: 'The resource was changed.' } },
    });
    await assert.rejects(noRetry.setOriginEnabled('weu-004', true), ConflictError);
    arm().failNext({
      method: 'PUT',
      path: /origins\/weu-004$/,
      status: 409,
      body: { error: { code: 'Conflict', message: 'Another operation is in progress on the origin.' } },
    });
    await assert.rejects(noRetry.upsertOrigin({ ...SPEC, stampId: 'weu-004' }), ConflictError);
    // Safe to repeat once the other operation is done.
    await noRetry.upsertOrigin({ ...SPEC, stampId: 'weu-004', enabled: true });
    assert.equal((await noRetry.getOrigin('weu-004'))?.enabled, true);
  });

  void it('an origin write that fails in its async operation is a TerminalError with the code', async () => {
    arm().originOperationFailure = { code: 'BadRequest', message: 'The origin host name is not resolvable.' };
    await assert.rejects(traffic.upsertOrigin({ ...SPEC, stampId: 'weu-005' }), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.equal(error.code, 'BadRequest');
      assert.match(error.message, /not resolvable/);
      return true;
    });
  });

  void it('refuses bad origins before any call: priority 1-5, weight 1-1000, a DNS host name', async () => {
    await assert.rejects(traffic.upsertOrigin({ ...SPEC, priority: 6 }), ValidationError);
    await assert.rejects(traffic.upsertOrigin({ ...SPEC, weight: 0 }), ValidationError);
    await assert.rejects(
      traffic.upsertOrigin({ ...SPEC, hostName: 'https://x.example.net/' }),
      ValidationError,
    );
    await assert.rejects(traffic.getOrigin('bad/name'), ValidationError);
    assert.deepEqual(arm().calls, []);
  });
});

void describe('HttpsOriginHealthProbe', () => {
  function fakeFetch(answer: (url: string, signal: AbortSignal) => Promise<number>): {
    fetch: ProbeFetch;
    urls: string[];
  } {
    const urls: string[] = [];
    return {
      urls,
      fetch: async (url, init) => {
        urls.push(url);
        assert.equal(init.method, 'GET');
        assert.equal(init.redirect, 'manual');
        return { status: await answer(url, init.signal) };
      },
    };
  }

  void it('GETs https://{host}/healthz: 200 is Healthy, anything else Unhealthy', async () => {
    const ok = fakeFetch(() => Promise.resolve(200));
    assert.equal(
      await createHttpsOriginHealthProbe({ fetch: ok.fetch }).check('weu-001.example.net'),
      'Healthy',
    );
    assert.deepEqual(ok.urls, ['https://weu-001.example.net/healthz']);
    for (const status of [204, 301, 404, 503]) {
      const other = fakeFetch(() => Promise.resolve(status));
      assert.equal(
        await createHttpsOriginHealthProbe({ fetch: other.fetch }).check('a.example.net'),
        'Unhealthy',
      );
    }
  });

  void it('a network failure or a timeout is Unhealthy, not an error', async () => {
    const failing = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    assert.equal(
      await createHttpsOriginHealthProbe({ fetch: failing.fetch }).check('a.example.net'),
      'Unhealthy',
    );
    const hanging = fakeFetch(
      (_url, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
    );
    const started = Date.now();
    assert.equal(
      await createHttpsOriginHealthProbe({ fetch: hanging.fetch, timeoutMs: 50 }).check('a.example.net'),
      'Unhealthy',
    );
    assert.ok(Date.now() - started < 2000);
  });

  void it('with the real fetch, an origin that does not answer is Unhealthy', async () => {
    const closed = await startArmStandIn();
    const port = new URL(closed.endpoint).port;
    await closed.close();
    const probe = createHttpsOriginHealthProbe({
      timeoutMs: 2000,
      fetch: (url, init) => fetch(url.replace('https://127.0.0.1/', `https://127.0.0.1:${port}/`), init),
    });
    assert.equal(await probe.check('127.0.0.1'), 'Unhealthy');
  });

  void it('refuses a host name that is not one', async () => {
    await assert.rejects(createHttpsOriginHealthProbe().check('a.example.net/healthz?x'), ValidationError);
  });
});
