import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import type { Services } from '../../shared/app/services';
import { ConflictError, TransientError } from '../../shared/errors';
import { STAMP_STORE_WRITES } from '../../shared/ports/stampStore';
import { assertConverged, runScenario, type Scenario, stormActive } from './support/convergence';
import { type FaultPlan, type FaultStats, withFaults } from './support/faults';

/**
 * Failing dependencies: Cosmos DB throttling and outages (429/503), lost optimistic-concurrency
 * races (412), ARM throttling and 500s, and every operation failing once. Each run requests a
 * stamp and fails another; both lifecycles must converge with a gap-free audit that matches
 * the final state (support/convergence.ts). Faults are seeded: a run replays exactly.
 */

const STORE_READS = [
  'get',
  'list',
  'readInbox',
  'history',
  'getFleetSummary',
  'getLedger',
  'ensureLedger',
  'listPurgeDue',
];
const STORE_WRITES = STAMP_STORE_WRITES;
const CONDITIONAL_WRITES = ['replace', 'commitBatch', 'replaceFleetSummary', 'replaceLedger'];
const DEPLOYER = [
  'startDeployment',
  'getDeployment',
  'startResourceGroupDeletion',
  'getResourceGroupDeletion',
];

/** For an hour of simulated time, `port` fails its `methods` as `faults` says. */
function stormOn<P extends 'store' | 'deployer'>(
  port: P,
  stats: FaultStats,
  faults: Omit<FaultPlan, 'active'>,
): (services: Services) => Services {
  return (services) => ({
    ...services,
    [port]: withFaults(services[port], { ...faults, active: stormActive(services.clock) }, stats),
  });
}

let scenario: Scenario | undefined;
afterEach(async () => {
  await scenario?.e2e.stop();
  scenario = undefined;
});

describe('robustness: lifecycles converge under injected faults', () => {
  const storms: {
    name: string;
    port: 'store' | 'deployer';
    faults: Omit<FaultPlan, 'active'>;
    atLeast: number;
    then?: (scenario: Scenario) => void;
  }[] = [
    {
      name: 'Cosmos DB 429/503 storm on a fifth of store calls for an hour',
      port: 'store',
      faults: {
        seed: 1,
        rate: 0.2,
        maxInARow: 2,
        methods: new Set([...STORE_READS, ...STORE_WRITES]),
        error: (method) =>
          method.length % 2 === 0
            ? new TransientError(`injected: Cosmos DB 429 on ${method}`, 'TooManyRequests')
            : new TransientError(`injected: Cosmos DB 503 on ${method}`, 'ServiceUnavailable'),
      },
      atLeast: 21,
    },
    {
      name: 'Cosmos DB 412 storm for an hour: a third of conditional writes lose a race that did not happen',
      port: 'store',
      faults: {
        seed: 2,
        rate: 0.33,
        maxInARow: 3,
        methods: new Set(CONDITIONAL_WRITES),
        error: (method) => new ConflictError(`injected: 412 on ${method}`),
      },
      atLeast: 11,
    },
    {
      name: 'ARM 429/500 on two fifths of deployer calls for an hour',
      port: 'deployer',
      faults: {
        seed: 3,
        rate: 0.4,
        maxInARow: 3,
        methods: new Set(DEPLOYER),
        error: (method) =>
          method.startsWith('get')
            ? new TransientError(`injected: ARM 429 on ${method}`, 'TooManyRequests')
            : new TransientError(`injected: ARM 500 on ${method}`, 'InternalServerError'),
      },
      atLeast: 4,
      then: (done) => {
        const deployments = done.e2e.plane.sim
          .state()
          .deployments.filter((d) => d.stampId === done.requested);
        assert.equal(deployments.length, 1, 'one deployment, however often its start was retried');
      },
    },
  ];
  for (const storm of storms) {
    it(storm.name, async () => {
      const stats: FaultStats = { injected: 0, calls: 0 };
      const done = await runScenario(stormOn(storm.port, stats, storm.faults));
      scenario = done;
      assert.ok(stats.injected >= storm.atLeast, `faults injected: ${stats.injected} of ${stats.calls}`);
      await assertConverged(done);
      storm.then?.(done);
    });
  }

  it('every operation of every port fails the first time it is called for each stamp (each activity step throws once)', async () => {
    const stats: FaultStats = { injected: 0, calls: 0 };
    const once = <T extends object>(port: T, methods: readonly string[]): T =>
      withFaults(
        port,
        {
          seed: 4,
          active,
          rate: 1,
          maxInARow: 1,
          methods: new Set(methods),
          error: (method) => new TransientError(`injected: ${method} failed`, 'Injected'),
        },
        stats,
      );
    let active = (): boolean => true;
    scenario = await runScenario((services: Services) => ({
      ...((active = stormActive(services.clock)), services),
      store: once(services.store, [...STORE_READS, ...STORE_WRITES]),
      deployer: once(services.deployer, DEPLOYER),
      traffic: once(services.traffic, ['upsertOrigin', 'setOriginEnabled', 'removeOrigin', 'getOrigin']),
      originHealth: once(services.originHealth, ['check']),
      operations: once(services.operations, [
        'inFlightRequests',
        'preserveDiagnostics',
        'startQuarantineChecks',
        'getQuarantineChecks',
        'startWorkloadDeletion',
        'getWorkloadDeletion',
      ]),
      archive: once(services.archive, ['write', 'read', 'release']),
      bus: once(services.bus, ['scheduleDrainTimer', 'cancelScheduled', 'send']),
    }));
    assert.ok(stats.injected > 30, `faults injected: ${stats.injected} of ${stats.calls}`);
    await assertConverged(scenario);
  });
});
