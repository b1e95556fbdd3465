import assert from 'node:assert/strict';

import { isLive } from '../../../shared/app/fleet';
import type { Services } from '../../../shared/app/services';
import { countsOf, memberOf, NO_STAMPS } from '../../../shared/lifecycle';
import { type ApiAnswer, type E2E, startE2E } from '../../e2e/support/harness';
import { ISOLATED_AND_RETIRED } from '../../support/lifecyclePaths';

/**
 * One scenario run under injected faults, checked against the store as it really is (the
 * undecorated services), not through the faulty ports: a stamp requested through the API
 * reaches active, a failing stamp is isolated once, replaced once and retired, and every
 * stamp's audit log is gap-free and agrees with its document, the ledgers and the fleet.
 */
export interface Scenario {
  readonly e2e: E2E;
  /** The services before decoration: reads that no fault touches. */
  readonly real: Services;
  readonly requested: string;
}

const ENV = {
  STAMPS_REGIONS: 'westeurope:weu:1:5:4,eastus:eus:2:3,southeastasia:sea:3:3',
  STAMPS_TOTAL_MAX: '12',
};

/** Faults injected with this stop after the first hour of simulated time: a storm, then calm. */
export function stormActive(clock: { now(): Date }): () => boolean {
  return () => clock.now().getTime() < STORM_ENDS;
}
const STORM_ENDS = new Date('2026-06-01T01:00:00.000Z').getTime();

export async function runScenario(decorate: (services: Services) => Services): Promise<Scenario> {
  let real: Services | undefined;
  const e2e = await startE2E({
    env: ENV,
    decorate: (services) => {
      real = services;
      return decorate(services);
    },
  });
  if (real === undefined) throw new Error('decorate was not called');
  const fail = await e2e.api('POST', '/sim/stamps/weu-002/fail');
  assert.equal(fail.status, 200);
  const created = await requestWithRetries(e2e);
  await e2e.advance(180);
  return { e2e, real, requested: String(created.body['id']) };
}

/**
 * A client that retries a 5xx every 5 minutes (the host answers 500 when a dependency fails). A
 * request that failed after its slot was reserved leaves the slot taken until the
 * reconciliation sweep (every 5 minutes) drops it, so a 409 right after a 5xx is retried after
 * the next sweep.
 */
async function requestWithRetries(e2e: E2E): Promise<ApiAnswer> {
  let answer = await e2e.api('POST', '/api/stamps', { region: 'westeurope', reason: 'robustness' });
  let failedBefore = false;
  for (let retry = 0; retry < 30; retry += 1) {
    if (answer.status >= 500) failedBefore = true;
    else if (answer.status !== 409 || !failedBefore) break;
    await e2e.advance(5);
    answer = await e2e.api('POST', '/api/stamps', { region: 'westeurope', reason: 'robustness' });
  }
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer;
}

interface Audit {
  readonly seq: number;
  readonly to: string;
  readonly traffic?: { readonly from: string; readonly to: string };
  readonly ramp?: { readonly from: number | null; readonly to: number };
}

export async function assertConverged(scenario: Scenario): Promise<void> {
  const { real, e2e, requested } = scenario;
  const { store } = real;
  const stamps = await store.list();
  const byId = new Map(stamps.map((s) => [s.id, s]));

  for (const stamp of stamps) {
    const history = (await store.history(stamp.id)) as readonly Audit[];
    const shown = `${stamp.id}: ${JSON.stringify(history.map((h) => [h.seq, h.to, h.traffic?.to]))}`;
    assert.deepEqual(
      history.map((h) => h.seq),
      history.map((_, i) => i + 1),
      `audit gap-free: ${shown}`,
    );
    assert.equal(stamp.auditSeq, history.length, shown);
    assert.equal(history.at(-1)?.to, stamp.phase, `last audit is the phase: ${shown}`);
    const lastTraffic = history.filter((h) => h.traffic !== undefined).at(-1)?.traffic?.to;
    if (lastTraffic !== undefined) assert.equal(lastTraffic, stamp.traffic, `traffic: ${shown}`);
    const phases = history.map((h) => h.to).filter((to, i, all) => to !== all[i - 1]);
    assert.equal(new Set(phases).size, phases.length, `each phase once: ${shown}`);
  }

  const requestedStamp = byId.get(requested);
  assert.equal(
    requestedStamp?.phase,
    'active',
    `the requested stamp converged: ${JSON.stringify(requestedStamp)}`,
  );
  const requestedHistory = (await store.history(requested)) as readonly Audit[];
  assert.deepEqual(
    requestedHistory.map((h) => h.to).filter((to, i, all) => to !== all[i - 1]),
    ['provisioning', 'registering', 'active'],
  );
  // Its traffic ramp ran through every step (one record each) and ended at full weight.
  assert.deepEqual(
    requestedHistory.filter((h) => h.ramp !== undefined).map((h) => h.ramp?.to),
    [1, 10, 50, 100],
  );
  assert.equal(requestedStamp?.ramp, undefined, 'no ramp left');

  const failing = (await store.history('weu-002')) as readonly Audit[];
  assert.deepEqual(
    failing.map((h) => (h.traffic === undefined ? h.to : `${h.to}/${h.traffic.to}`)),
    ISOLATED_AND_RETIRED,
    'the failing stamp was isolated once and retired, and its records archived once',
  );
  const replacements = stamps.filter((s) => s.replacementFor === 'weu-002');
  assert.equal(replacements.length, 1, `one replacement: ${replacements.map((s) => s.id).join(', ')}`);
  assert.equal(replacements[0]?.phase, 'active');

  // The ledgers agree with the stamps: no slot lost, none counted twice.
  const ledgerMembers = new Map<string, string>();
  for (const region of real.config.policy.regions) {
    const ledger = await store.getLedger(region.name);
    for (const member of Object.values(ledger?.ledger.members ?? {}))
      ledgerMembers.set(member.id, member.phase);
  }
  const live = stamps.filter(isLive);
  assert.deepEqual(
    [...ledgerMembers].sort(),
    live.map((s) => [s.id, s.phase]).sort(),
    'ledger members are the live stamps, in their phases',
  );
  // The fleet summary counts what the ledgers hold: the blast-radius guard sees every region as it is.
  const summary = (await store.getFleetSummary()).regions;
  for (const region of real.config.policy.regions) {
    const inRegion = live.filter((s) => s.region === region.name).map(memberOf);
    assert.deepEqual(
      summary[region.name] ?? NO_STAMPS,
      countsOf(inRegion),
      `fleet summary of ${region.name}`,
    );
  }

  const failed = (await e2e.plane.runtime.listInstances()).filter((i) => i.runtimeStatus === 'Failed');
  assert.deepEqual(
    failed.map((i) => i.instanceId),
    [],
    'no orchestration failed',
  );
  assert.deepEqual(e2e.plane.bus.deadLetters('stamp-lifecycle'), []);
}
