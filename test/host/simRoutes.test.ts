import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { ValidationError } from '../../shared/errors';
import type { HostSimulation } from '../../shared/local/host/simRoutes';
import type { SimulationState } from '../../shared/local/sim/simulationControl';
import { callsOf, probes } from './fixtures/probes';
import { fetchJson, type HostHarness, START, startHost } from './harness';

/** A fake simulation that records the calls; an unknown region is a validation error. */
function fakeSimulation(): HostSimulation & { calls: string[] } {
  const calls: string[] = [];
  const region = (name: string): void => {
    if (name === 'atlantis') throw new ValidationError(`unknown region '${name}'`, 'region');
  };
  return {
    calls,
    hasStamp: (id) => id.startsWith('stamp-'),
    failStamp: (id) => calls.push(`failStamp ${id}`),
    recoverStamp: (id) => calls.push(`recoverStamp ${id}`),
    failRegion: (name) => {
      region(name);
      calls.push(`failRegion ${name}`);
    },
    recoverRegion: (name) => calls.push(`recoverRegion ${name}`),
    setLoad: (name, utilization) => {
      region(name);
      calls.push(`setLoad ${name} ${utilization}`);
    },
    failNextDeployment: () => calls.push('failNextDeployment'),
    failQuarantineChecks: (id) => calls.push(`failQuarantineChecks ${id}`),
    injectFault: (request) => {
      if (request.region !== undefined) region(request.region);
      calls.push(`injectFault ${JSON.stringify(request)}`);
      return { id: request.kind, kind: request.kind, summary: 'fake' };
    },
    clearFault: (id) => {
      calls.push(`clearFault ${id}`);
      return id === 'drop-alerts';
    },
    clearAllFaults: () => {
      calls.push('clearAllFaults');
      return 0;
    },
    state: (): SimulationState => ({
      now: START.toISOString(),
      deployments: [],
      resourceGroups: [],
      origins: [],
      failingStamps: ['stamp-001'],
      failedRegions: [],
      load: { westeurope: 40 },
      activeAlerts: [],
      alertDelivery: {
        pending: 0,
        delivering: false,
        waitingForRetry: false,
        delivered: 0,
        failedDeliveries: 0,
        delayed: 0,
      },
      chaos: [],
    }),
  };
}

describe('local host: /sim routes', () => {
  let h: HostHarness;
  const simulation = fakeSimulation();
  before(async () => {
    h = await startHost({ simulation });
  });
  after(async () => {
    await h.stop();
  });
  beforeEach(() => {
    simulation.calls.length = 0;
    probes.calls.length = 0;
  });

  const post = (path: string, body?: unknown) =>
    fetchJson(`${h.origin}${path}`, {
      method: 'POST',
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  it('fails and recovers stamps and regions, and sets region load', async () => {
    assert.deepEqual((await post('/sim/stamps/stamp-001/fail')).body, {
      stampId: 'stamp-001',
      failing: true,
    });
    assert.equal((await post('/sim/stamps/stamp-001/recover')).status, 200);
    assert.equal((await post('/sim/regions/westeurope/fail')).status, 200);
    assert.equal((await post('/sim/regions/westeurope/recover')).status, 200);
    assert.deepEqual((await post('/sim/regions/eastus/load', { utilization: 85 })).body, {
      region: 'eastus',
      utilization: 85,
    });
    assert.deepEqual(simulation.calls, [
      'failStamp stamp-001',
      'recoverStamp stamp-001',
      'failRegion westeurope',
      'recoverRegion westeurope',
      'setLoad eastus 85',
    ]);
  });

  it('serves the simulated state', async () => {
    const { status, body } = await fetchJson(`${h.origin}/sim/state`);
    assert.equal(status, 200);
    assert.deepEqual((body as SimulationState).failingStamps, ['stamp-001']);
  });

  it('advances the clock, firing what became due', async () => {
    const { status, body } = await post('/sim/clock/advance', { minutes: 5 });
    assert.equal(status, 200);
    assert.deepEqual(body, { advancedMinutes: 5, now: '2025-03-01T12:05:00.000Z' });
    assert.equal(h.clock.now().toISOString(), '2025-03-01T12:05:00.000Z');
    await h.settle();
    assert.equal(callsOf('hostSweep').length, 1);
  });

  it('answers 400 problem+json for bad input, and 404 for unknown routes', async () => {
    const bad: readonly [string, unknown][] = [
      ['/sim/regions/eastus/load', { utilization: 101 }],
      ['/sim/regions/eastus/load', { utilization: '50' }],
      ['/sim/regions/eastus/load', {}],
      ['/sim/regions/eastus/load', '{oops'],
      ['/sim/clock/advance', { minutes: -1 }],
      ['/sim/clock/advance', { minutes: 0 }],
      ['/sim/clock/advance', { hours: 1 }],
      ['/sim/clock/advance', [5]],
    ];
    for (const [path, body] of bad) {
      const reply = await post(path, body);
      assert.equal(reply.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    // Something named in the path that the simulation does not have is a 404, as in the API.
    for (const path of [
      '/sim/regions/atlantis/fail',
      '/sim/stamps/nope-001/fail',
      '/sim/stamps/nope-001/recover',
    ]) {
      const reply = await post(path);
      assert.equal(reply.status, 404, path);
      assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    assert.equal((await post('/sim/stamps/s/explode')).status, 404);
    assert.equal((await post('/sim/unknown')).status, 404);
    assert.equal((await fetchJson(`${h.origin}/sim/stamps/s/fail`)).status, 405);
    assert.deepEqual(simulation.calls, []);
  });
});

describe('local host without a simulation', () => {
  it('does not serve /sim', async () => {
    const h = await startHost();
    try {
      assert.equal((await fetchJson(`${h.origin}/sim/state`)).status, 404);
    } finally {
      await h.stop();
    }
  });
});
