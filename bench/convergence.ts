import { randomUUID } from 'node:crypto';

import { isLive } from '../shared/app/fleet';
import type { Services } from '../shared/app/services';
import { serves } from '../shared/lifecycle/fleet';
import { effectiveDesired } from '../shared/lifecycle/regionDesired';
import { ManualClock } from '../shared/local/clock/manualClock';
import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { LocalControlPlane } from '../shared/local/localControlPlane';

const T0 = new Date('2026-06-01T00:00:00.000Z');
const MINUTE = 60_000;
const STEP_MINUTES = 5;
const CAP_MINUTES = 12 * 60;

export interface ConvergenceResult {
  /** Simulated minutes from a stamp request to the stamp active (one provision-plus-register). */
  readonly provisionMinutes: number;
  /** Simulated minutes from the region's recovery to every region at its desired count. */
  readonly convergenceMinutes: number;
  /** How many stamps served in each region when the outage was at its worst and at the end. */
  readonly duringOutage: Record<string, number>;
  readonly atEnd: Record<string, number>;
  readonly converged: boolean;
}

/** Moves the manual clock to each due timer in turn (as the e2e harness does), settling in between. */
export async function advance(plane: LocalControlPlane, clock: ManualClock, minutes: number): Promise<void> {
  const target = clock.now().getTime() + minutes * MINUTE;
  for (;;) {
    const next = clock.nextDueAt();
    if (next === undefined || next.getTime() > target) {
      await clock.advanceTo(new Date(target));
      await plane.idle();
      return;
    }
    await clock.advanceTo(next);
    await plane.idle();
  }
}

async function serving(svc: Services): Promise<Record<string, number>> {
  const stamps = (await svc.store.list()).filter(isLive);
  const out: Record<string, number> = {};
  for (const region of svc.config.policy.regions) {
    out[region.name] = stamps.filter(
      (s) =>
        s.region === region.name &&
        serves({ id: s.id, region: s.region, phase: s.phase, traffic: s.traffic, probe: s.health.probe }),
    ).length;
  }
  return out;
}

/**
 * Every region serves its desired count, except one whose quota is spent, whose shortfall the
 * other regions then cover (a region whose deployments are blocked is not converged: the bench
 * waits for it to be rebuilt).
 */
async function converged(svc: Services): Promise<boolean> {
  const now = await serving(svc);
  let short = 0;
  let extra = 0;
  for (const region of svc.config.policy.regions) {
    const ledger = (await svc.store.getLedger(region.name))?.ledger;
    const desired = effectiveDesired(svc.config.policy, region.name, ledger?.desired);
    const have = now[region.name] ?? 0;
    if (have < desired) {
      if ((await svc.deployer.remainingStampQuota(region.name)) !== 0) return false;
      short += desired - have;
    }
    extra += Math.max(0, have - desired);
  }
  const building = (await svc.store.list()).some(
    (s) => s.phase === 'provisioning' || s.phase === 'registering',
  );
  return !building && extra === short;
}

async function start(cosmos: EmbeddedCosmos, env: Record<string, string>, seed: boolean) {
  const clock = new ManualClock(T0);
  const plane = new LocalControlPlane({
    env,
    clock,
    port: 0,
    seed,
    cosmos,
    databaseName: `bench-conv-${randomUUID().slice(0, 8)}`,
    log: () => undefined,
  });
  await plane.start();
  return { clock, plane };
}

/** One provision-plus-register: a requested stamp, in simulated minutes until it is active. */
async function provisionMinutes(cosmos: EmbeddedCosmos): Promise<number> {
  const { clock, plane } = await start(
    cosmos,
    { STAMPS_REGIONS: 'westeurope:weu:1:4:0,eastus:eus:2:3:0,southeastasia:sea:3:3:0' },
    false,
  );
  try {
    const response = await fetch(`${plane.origin}/api/stamps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'southeastasia', reason: 'bench' }),
    });
    const body = (await response.json()) as { id: string };
    await plane.idle();
    for (let minutes = 1; minutes <= 120; minutes += 1) {
      await advance(plane, clock, 1);
      if ((await plane.services.store.get(body.id))?.stamp.phase === 'active') return minutes;
    }
    throw new Error('the requested stamp did not become active in 2 h');
  } finally {
    await plane.stop();
  }
}

/**
 * A region outage on the seeded fleet: southeastasia goes down, its stamps are isolated and
 * covered in the other regions; an hour and a half later it recovers, and the bench measures the
 * simulated time until the fleet is back at every region's desired count.
 */
export async function measureConvergence(cosmos: EmbeddedCosmos): Promise<ConvergenceResult> {
  const provision = await provisionMinutes(cosmos);
  const { clock, plane } = await start(cosmos, {}, true);
  try {
    const post = async (path: string): Promise<void> => {
      await (await fetch(`${plane.origin}${path}`, { method: 'POST' })).arrayBuffer();
      await plane.idle();
    };
    await post('/sim/regions/southeastasia/fail');
    await advance(plane, clock, 30);
    const duringOutage = await serving(plane.services);
    await advance(plane, clock, 60);
    await post('/sim/regions/southeastasia/recover');
    let minutes = 0;
    let done = false;
    while (minutes < CAP_MINUTES) {
      await advance(plane, clock, STEP_MINUTES);
      minutes += STEP_MINUTES;
      if (await converged(plane.services)) {
        done = true;
        break;
      }
    }
    return {
      provisionMinutes: provision,
      convergenceMinutes: minutes,
      duringOutage,
      atEnd: await serving(plane.services),
      converged: done,
    };
  } finally {
    await plane.stop();
  }
}
