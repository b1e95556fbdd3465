import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { startEmbeddedCosmos } from '../shared/local/cosmos';
import { measureBaseline } from './baseline';
import { measureColdStart } from './coldStart';
import { measureConvergence } from './convergence';
import { AT_THE_LIMITS, type FleetScaleResult, measureFleetScale } from './fleetScale';
import { measureReplay } from './replay';
import { measureSweep } from './retention';
import { measureReplacement } from './spares';
import { median } from './stats';
import { total } from './storeMeter';
import { runStorm, type StormResult } from './storm';

/**
 * `npm run bench`: B1-B5 of issue 7 (B4's target tightened by issue 19), B6 (fleet scale) of
 * issue 19, B7 (warm spares) of issue 17, B8 (convergence; issue 13's B6). Every figure is a median
 * over repeated runs, and each target's baseline is measured in the same run on the same embedded Cosmos. Prints a table
 * (markdown) and writes bench-results/latest.json and bench-results/latest.md.
 */

interface Row {
  readonly id: string;
  readonly what: string;
  readonly measured: string;
  readonly target: string;
  readonly ratio: number;
  readonly limit: number;
  /** What failed whatever the ratio (a guard broken, an isolation repeated). */
  readonly broken?: string;
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/** What the results that compare two durations measure, by id. */
const MS_ROWS = {
  B4: 'cold start: import the app entry (every function registered, handlers loaded on first call) vs @azure/functions + durable-functions',
  B3: 'retention sweep: 10 due among 10,000 archived vs among 100',
  B5: 'orchestrator episode: a stamp that handled 1,000 events vs 10',
} as const;

/** A result comparing two durations in milliseconds: `measured` against its `baseline`. */
function msRow(id: keyof typeof MS_ROWS, measured: number, baseline: number, limit: number): Row {
  return row(id, MS_ROWS[id], `${fmt(measured)} ms vs ${fmt(baseline)} ms`, measured / baseline, limit);
}

/** A result: what was measured against its baseline, as a ratio that must stay at most `limit`. */
function row(id: string, what: string, measured: string, ratio: number, limit: number, broken?: string): Row {
  return {
    id,
    what,
    measured,
    target: `≤ ${limit}×`,
    ratio,
    limit,
    ...(broken === undefined ? {} : { broken }),
  };
}

function medianStorm(runs: readonly StormResult[]): StormResult {
  const pick = (f: (r: StormResult) => number): number => median(runs.map(f));
  const first = runs[0];
  if (first === undefined) throw new Error('no storm run');
  return {
    ...first,
    wallMs: pick((r) => r.wallMs),
    msPerSignal: pick((r) => r.msPerSignal),
    signalsPerSecond: pick((r) => r.signalsPerSecond),
    isolateP50Ms: pick((r) => r.isolateP50Ms),
    isolateP99Ms: pick((r) => r.isolateP99Ms),
    msPerDuplicate: pick((r) => r.msPerDuplicate),
    msPerDuplicateAtReceiver: pick((r) => r.msPerDuplicateAtReceiver),
    msPerSignalLogRead: pick((r) => r.msPerSignalLogRead),
    isolatedOnce: runs.every((r) => r.isolatedOnce),
    isolations: Math.max(...runs.map((r) => r.isolations)),
    replacements: Math.min(...runs.map((r) => r.replacements)),
  };
}

const perDecision = (r: StormResult, counts: Record<string, number>): number => total(counts) / r.decisions;

/** B6: what a decision costs at 1,000 stamps against 10, with what must hold at any size. */
function fleetScaleRow({ large, small, shapes, largeRuns, smallRuns, limitRuns }: FleetScaleResult): Row {
  const runs = [...largeRuns, ...smallRuns, ...limitRuns];
  const held = runs.flatMap((r) => r.guardViolations);
  const once =
    [...largeRuns, ...smallRuns].every((r) => r.isolatedOnce) && limitRuns.every((r) => r.isolatedAtMostOnce);
  const limits = limitRuns.map((r) => `${r.isolations} isolated, ${r.held} held`).join('; ');
  const failing = shapes.large.failing;
  // Wall time per decision amortises the small storm's fixed part (the idle wait) over fewer
  // decisions; the store's estimated RU does not, so the target must hold for both.
  const largeRu = perDecision(large, large.store.requestUnits);
  const smallRu = perDecision(small, small.store.requestUnits);
  return row(
    'B6',
    `fleet scale: ${shapes.large.stamps} active in ${shapes.large.regions} regions, ${failing} failing at once, every alert of their history delivered ${shapes.duplication}× (${large.signals} signals), vs ${shapes.small.stamps} in ${shapes.small.regions} regions, ${shapes.small.failing} failing; isolations ${large.isolations}/${failing} (${once ? 'exactly once each, in every run' : 'NOT exactly once'}), replacements ${large.replacements}/${failing}; ${large.decisions} events decided in ${large.batches} batches (${small.decisions} in ${small.batches}); signal to isolate call p50 ${fmt(large.isolateP50Ms, 0)} ms, p99 ${fmt(large.isolateP99Ms, 0)} ms (${fmt(small.isolateP99Ms, 0)} ms at ${shapes.small.stamps}); 412 retries per decision ${fmt(large.conflictsPerDecision, 2)} (${fmt(small.conflictsPerDecision, 2)}); store calls ${fmt(perDecision(large, large.store.calls))} (${fmt(perDecision(small, small.store.calls))}); at the guards' limits (${Object.entries(
      AT_THE_LIMITS,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )}): ${limits}; guards ${held.length === 0 ? 'held in every run' : `BROKEN: ${held.join('; ')}`}`,
    `${fmt(large.msPerDecision, 1)} ms vs ${fmt(small.msPerDecision, 1)} ms and ${fmt(largeRu)} vs ${fmt(smallRu)} estimated RU per event decided (the ratio is the larger of the two)`,
    Math.max(large.msPerDecision / small.msPerDecision, largeRu / smallRu),
    1.5,
    held.length > 0 ? 'a guard broken' : once ? undefined : 'an isolation missing or repeated',
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (message: string): void => {
    process.stderr.write(`[${fmt((performance.now() - started) / 1000, 0)}s] ${message}\n`);
  };
  const reps = Number(process.env['BENCH_REPS'] ?? '3');
  const cosmos = await startEmbeddedCosmos();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    log('B4 cold start');
    const cold = measureColdStart(7);
    rows.push({
      ...msRow('B4', cold.app, cold.libraries, 1.5),
      what: `${MS_ROWS.B4}; with the alert receiver's module, as before a first alert: ${fmt(cold.firstAlert)} ms`,
    });
    details['B4'] = cold;

    log('baseline: bare store work of one signal');
    const baseline = await measureBaseline(cosmos);
    details['baseline'] = baseline;

    log(`B1 alert storm (${reps} runs)`);
    const b1Runs: StormResult[] = [];
    for (let r = 0; r < reps; r += 1) {
      b1Runs.push(
        await runStorm(cosmos, {
          active: 200,
          failing: 20,
          archived: 0,
          alertsPerStamp: 20,
          signals: 5000,
          seed: 11 + r,
        }),
      );
      log(`  run ${r + 1}: ${fmt(b1Runs.at(-1)?.msPerSignal ?? 0, 2)} ms/signal`);
    }
    const b1 = medianStorm(b1Runs);
    details['B1'] = { median: b1, runs: b1Runs };
    rows.push(
      row(
        'B1',
        `alert storm: 200 active, 20 failing, ${b1.signals} signals; ${fmt(b1.signalsPerSecond, 0)} signals/s; isolate p50 ${fmt(b1.isolateP50Ms, 0)} ms, p99 ${fmt(b1.isolateP99Ms, 0)} ms; isolations ${b1.isolations}/20 (${b1.isolatedOnce ? 'exactly once each' : 'NOT exactly once'}), replacements ${b1.replacements}/${b1.expectedReplacements}`,
        `${fmt(b1.msPerSignal, 2)} ms/signal vs ${fmt(baseline.signalStoreWork, 2)} ms bare store work`,
        b1.msPerSignal / baseline.signalStoreWork,
        3,
        b1.isolatedOnce ? undefined : 'an isolation missing or repeated',
      ),
    );
    rows.push(
      row(
        'B1d',
        `a duplicate alert, dropped at the receiver by one point read of the signal log (over HTTP to the local host and until idle: ${fmt(b1.msPerDuplicate, 2)} ms)`,
        `${fmt(b1.msPerDuplicateAtReceiver, 2)} ms at the receiver vs ${fmt(b1.msPerSignalLogRead, 2)} ms for its point read alone (interleaved)`,
        b1.msPerDuplicateAtReceiver / b1.msPerSignalLogRead,
        1.2,
      ),
    );

    log(`B2 fleet size (${reps} runs each)`);
    const small: StormResult[] = [];
    const large: StormResult[] = [];
    for (let r = 0; r < reps; r += 1) {
      const options = { active: 10, failing: 1, alertsPerStamp: 20, signals: 250, seed: 21 + r };
      small.push(await runStorm(cosmos, { ...options, archived: 0 }));
      large.push(await runStorm(cosmos, { ...options, archived: 1990 }));
      log(
        `  run ${r + 1}: ${fmt(small.at(-1)?.msPerSignal ?? 0, 2)} vs ${fmt(large.at(-1)?.msPerSignal ?? 0, 2)} ms/signal`,
      );
    }
    const b2Small = medianStorm(small);
    const b2Large = medianStorm(large);
    details['B2'] = { small, large };
    rows.push(
      row(
        'B2',
        'fleet size: B1 cost per signal, 10 vs 2,000 stamps stored (1 of 10 active failing)',
        `${fmt(b2Large.msPerSignal, 2)} ms vs ${fmt(b2Small.msPerSignal, 2)} ms per signal`,
        b2Large.msPerSignal / b2Small.msPerSignal,
        1.3,
      ),
    );

    log('B3 retention sweep');
    const sweepSmall = await measureSweep(cosmos, 100, 15);
    const sweepLarge = await measureSweep(cosmos, 10_000, 15);
    details['B3'] = { sweepSmall, sweepLarge };
    rows.push(msRow('B3', sweepLarge, sweepSmall, 2));

    log('B5 replay');
    const replay = await measureReplay(cosmos, 10, 1000, 20);
    details['B5'] = replay;
    rows.push(msRow('B5', replay.many, replay.few, 1.5));

    log(`B6 fleet scale (${reps} runs)`);
    const scale = await measureFleetScale(cosmos, reps, log);
    details['B6'] = scale;
    rows.push(fleetScaleRow(scale));

    log('B8 convergence after a region outage');
    const conv = await measureConvergence(cosmos);
    details['B8'] = conv;
    rows.push(
      row(
        'B8',
        `convergence after a region outage: southeastasia down 90 simulated minutes (serving during it ${JSON.stringify(conv.duringOutage)}), then recovered; at the end ${JSON.stringify(conv.atEnd)}${conv.converged ? '' : ' (NOT converged within 12 h)'}`,
        `${conv.convergenceMinutes} simulated min from recovery to every region at desired vs ${conv.provisionMinutes} min for one provision-plus-register`,
        conv.convergenceMinutes / conv.provisionMinutes,
        2,
      ),
    );

    log('B7 replacement with and without a warm spare');
    const withSpare = await measureReplacement(cosmos, 1);
    const without = await measureReplacement(cosmos, 0);
    details['B7'] = { withSpare, without };
    rows.push(
      row(
        'B7',
        `replacement of a failed stamp, from its health alert to the replacement serving (active in rotation, origin enabled and Healthy): ${withSpare.replacement} ${withSpare.promoted ? 'promoted from the spare pool' : 'NOT promoted'} vs ${without.replacement} built`,
        `${fmt(withSpare.minutes)} simulated min with a spare vs ${fmt(without.minutes)} min without`,
        withSpare.minutes / without.minutes,
        0.3,
      ),
    );
  } finally {
    await cosmos.stop();
  }

  const machine = {
    nproc: cpus().length,
    memory: execSync('free -h | awk \'NR==2{print $2 " total, " $7 " available"}\'', {
      encoding: 'utf8',
    }).trim(),
    node: process.version,
    load: execSync('cat /proc/loadavg', { encoding: 'utf8' }).trim(),
  };
  const table = [
    '| id | what | measured (median) | target | ratio | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.what} | ${r.measured} | ${r.target} | ${fmt(r.ratio, 2)}× | ${r.broken !== undefined ? `FAIL (${r.broken})` : r.ratio <= r.limit ? 'pass' : `FAIL (${fmt(r.ratio / r.limit, 1)}× over)`} |`,
    ),
  ].join('\n');
  const summary = `${table}\n\nMachine: ${machine.nproc} cores; memory ${machine.memory}; node ${machine.node}; load average at end ${machine.load}; ${reps} runs per storm; total ${fmt((performance.now() - started) / 1000, 0)} s.`;
  const out = join(__dirname, '../../bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), machine, rows, details }, null, 2),
  );
  writeFileSync(join(out, 'latest.md'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${String(error instanceof Error ? (error.stack ?? error.message) : error)}\n`,
  );
  process.exitCode = 1;
});
