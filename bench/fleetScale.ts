import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { median } from './stats';
import { runStorm, type StormResult } from './storm';

/** The size of one side of the comparison. */
export interface FleetShape {
  readonly stamps: number;
  readonly regions: number;
  readonly failing: number;
}

export const LARGE: FleetShape = { stamps: 1000, regions: 20, failing: 100 };
export const SMALL: FleetShape = { stamps: 10, regions: 2, failing: 1 };

/**
 * The large storm again with a policy at its limits, so that both guards decide: at most 5% of
 * the fleet isolated for failing probes (100 fail: 10%), and 47 of each region's 50 stamps kept
 * in rotation (about 5 fail in each).
 */
export const AT_THE_LIMITS: Readonly<Record<string, string>> = {
  STAMPS_MAX_UNHEALTHY_PERCENT: '5',
  STAMPS_MIN_IN_ROTATION_PER_REGION: '47',
};

export interface FleetScaleResult {
  readonly shapes: { readonly large: FleetShape; readonly small: FleetShape; readonly duplication: number };
  /** The large storm under `AT_THE_LIMITS`: what was isolated, what was held, the guards. */
  readonly limitRuns: readonly StormResult[];
  readonly large: StormResult;
  readonly small: StormResult;
  readonly largeRuns: readonly StormResult[];
  readonly smallRuns: readonly StormResult[];
}

/** Alerts per failing stamp: the current one and two older flaps, each fired and resolved. */
const ALERTS_PER_STAMP = 3;
/** Each notification of a failing stamp's history arrives this many times (Azure Monitor retries, duplicate rules). */
const DUPLICATION = 3;

function stormOn(
  { stamps: active, regions, failing }: FleetShape,
  seed: number,
): Parameters<typeof runStorm>[1] {
  const history = failing * (2 * (ALERTS_PER_STAMP - 1) + 1);
  return {
    active,
    regions,
    failing,
    archived: 0,
    alertsPerStamp: ALERTS_PER_STAMP,
    signals: failing + history * DUPLICATION,
    seed,
    duplicates: false,
    clock: 'real-time',
  };
}

/** The run whose cost per decision is the median of the runs. */
function medianRun(runs: readonly StormResult[]): StormResult {
  const target = median(runs.map((r) => r.msPerDecision));
  const run = runs.find((r) => r.msPerDecision === target) ?? runs[0];
  if (run === undefined) throw new Error('no storm run');
  return run;
}

/**
 * B6 (issue 19): 1,000 active stamps in 20 regions, 100 failing at once with duplicated alerts,
 * against the same storm on 10 stamps (1 failing, 2 regions): the cost per decision, whether each
 * failing stamp was isolated exactly once, the signal-to-isolate latency, the lost races per
 * decision and the guards. The small storm is short, so it runs more often.
 */
export async function measureFleetScale(
  cosmos: EmbeddedCosmos,
  reps: number,
  log: (message: string) => void,
): Promise<FleetScaleResult> {
  const largeRuns: StormResult[] = [];
  const smallRuns: StormResult[] = [];
  const limitRuns: StormResult[] = [];
  for (let r = 0; r < reps; r += 1) {
    for (let s = 0; s < 3; s += 1) smallRuns.push(await runStorm(cosmos, stormOn(SMALL, 61 + r * 3 + s)));
    largeRuns.push(await runStorm(cosmos, stormOn(LARGE, 71 + r)));
    limitRuns.push(await runStorm(cosmos, { ...stormOn(LARGE, 81 + r), env: AT_THE_LIMITS }));
    const large = largeRuns.at(-1);
    log(
      `  run ${r + 1}: ${large?.msPerDecision.toFixed(2) ?? '?'} ms/decision at 1,000 vs ${median(smallRuns.map((x) => x.msPerDecision)).toFixed(2)} at 10`,
    );
  }
  return {
    shapes: { large: LARGE, small: SMALL, duplication: DUPLICATION },
    limitRuns,
    large: medianRun(largeRuns),
    small: medianRun(smallRuns),
    largeRuns,
    smallRuns,
  };
}
