import { randomUUID } from 'node:crypto';

import { HttpRequest, InvocationContext } from '@azure/functions';

import type { Services } from '../shared/app/services';
import { ManualClock } from '../shared/local/clock/manualClock';
import { ScaledClock } from '../shared/local/clock/scaledClock';
import type { EmbeddedCosmos } from '../shared/local/cosmos';
import {
  LOCAL_ACTION_GROUP,
  platformHeadersFor,
  postAsActionGroup,
} from '../shared/local/host/localIdentity';
import { LocalControlPlane } from '../shared/local/localControlPlane';
import { seedFleet } from '../shared/local/seedFleet';
import { healthAlert } from './alerts';
import { writeArchived } from './fleet';
import { median, percentile, pool, shuffled, timed } from './stats';
import { meteredStore, snapshotUsage, type StoreUsage, total, usageSince } from './storeMeter';

export interface StormOptions {
  /** Active stamps, split evenly over the regions. */
  readonly active: number;
  /** How many regions (default 2: westeurope and eastus), at most 20. */
  readonly regions?: number;
  /**
   * `manual` (default): time stands still at T0, so timers fire only when a test says. `real-time`:
   * time passes as on Azure, which the reconciler's coalescing of requests relies on (a run that
   * started after a request was made has seen what it was about).
   */
  readonly clock?: 'manual' | 'real-time';
  /** Whether to measure duplicates alone afterwards (B1d; default true). */
  readonly duplicates?: boolean;
  readonly failing: number;
  /** Archived stamps stored besides (fleet size). */
  readonly archived: number;
  /** Alert notifications per failing stamp (distinct signals before duplication). */
  readonly alertsPerStamp: number;
  /** Total notifications sent, duplicates included. */
  readonly signals: number;
  readonly seed: number;
  /** Settings over the storm's own (a policy at its limits, for example). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface StormResult {
  readonly signals: number;
  readonly wallMs: number;
  readonly msPerSignal: number;
  readonly signalsPerSecond: number;
  readonly isolateP50Ms: number;
  readonly isolateP99Ms: number;
  /** Per duplicate of an already handled signal, sent one at a time over HTTP until idle, ms. */
  readonly msPerDuplicate: number;
  /** Per duplicate, the receiver's own work (its handler called in process), ms (median). */
  readonly msPerDuplicateAtReceiver: number;
  /** One point read of the signal log, interleaved with the receiver's runs, ms (median). */
  readonly msPerSignalLogRead: number;
  /** Every failing stamp isolated, each by one origin disable. */
  readonly isolatedOnce: boolean;
  /** No stamp's origin disabled twice: one disable per isolated stamp, none for a held one. */
  readonly isolatedAtMostOnce: boolean;
  /** Failing stamps a guard held back instead of isolating. */
  readonly held: number;
  readonly isolations: number;
  readonly replacements: number;
  readonly expectedReplacements: number;
  /** Events the stamps' orchestrations decided (each once, stale ones included; `storeMeter.ts`). */
  readonly decisions: number;
  /** Decision batches committed: episodes, each deciding one or more events. */
  readonly batches: number;
  readonly msPerDecision: number;
  /** Conditional writes that lost a race (HTTP 412 on Cosmos DB), per decision. */
  readonly conflictsPerDecision: number;
  readonly store: StoreUsage;
  /** The guards at the end: what would have been broken, empty when every one held. */
  readonly guardViolations: readonly string[];
}

/** Twenty regions, the first two as the seed's storms always used them. */
export const BENCH_REGIONS: readonly (readonly [string, string])[] = [
  ['westeurope', 'weu'],
  ['eastus', 'eus'],
  ['northeurope', 'neu'],
  ['westus', 'wus'],
  ['southeastasia', 'sea'],
  ['japaneast', 'jpe'],
  ['australiaeast', 'aue'],
  ['uksouth', 'uks'],
  ['francecentral', 'frc'],
  ['germanywestcentral', 'gwc'],
  ['swedencentral', 'swc'],
  ['canadacentral', 'cac'],
  ['brazilsouth', 'brs'],
  ['centralindia', 'cin'],
  ['koreacentral', 'krc'],
  ['eastus2', 'eutwo'],
  ['westus2', 'wutwo'],
  ['centralus', 'cus'],
  ['southcentralus', 'scus'],
  ['norwayeast', 'noe'],
];

/** Stamps per region: `active` split as evenly as possible, the first regions taking the rest. */
function splitOver(active: number, regions: number): [string, number][] {
  return BENCH_REGIONS.slice(0, regions).map(([name], i) => [
    name,
    Math.floor(active / regions) + (i < active % regions ? 1 : 0),
  ]);
}

const T0 = new Date('2026-06-01T00:00:00.000Z');

/**
 * B1/B2: an alert storm through the real path (POST /api/alerts → Event Grid → onStampSignal →
 * inbox → orchestration → applyStampEvents → disable origin) on the local host with the
 * simulated Azure (in memory: no latency). Each failing stamp's current alert fires first
 * (its receipt-to-isolate latency is measured); then its flapping history (older alerts that
 * fired and resolved), duplicated and shuffled, arrives: none of it may isolate again.
 */
export async function runStorm(cosmos: EmbeddedCosmos, options: StormOptions): Promise<StormResult> {
  const clock =
    options.clock === 'real-time' ? new ScaledClock({ scale: 1, start: T0 }) : new ManualClock(T0);
  const regionCount = options.regions ?? 2;
  const perRegion = splitOver(options.active, regionCount);
  const regionsSetting = perRegion
    .map(([name, n], i) => `${name}:${BENCH_REGIONS[i]?.[1] ?? ''}:${i + 1}:${n * 2}:${n}`)
    .join(',');
  let metered: StoreUsage | undefined;
  const isolatedAt = new Map<string, number>();
  let isolations = 0;
  const plane = new LocalControlPlane({
    env: {
      STAMPS_REGIONS: regionsSetting,
      STAMPS_TOTAL_MAX: String(options.active * 3),
      STAMPS_ALERT_CORRELATION_SECONDS: '0',
      ...options.env,
    },
    clock,
    port: 0,
    seed: false,
    cosmos,
    databaseName: `bench-${randomUUID().slice(0, 8)}`,
    decorate: (services: Services): Services => ({
      ...services,
      store: ((): Services['store'] => {
        const { store, usage } = meteredStore(services.store);
        metered = usage;
        return store;
      })(),
      traffic: {
        upsertOrigin: (spec) => services.traffic.upsertOrigin(spec),
        setOriginEnabled: (id, enabled) => {
          if (!enabled) {
            isolations += 1;
            if (!isolatedAt.has(id)) isolatedAt.set(id, performance.now());
          }
          return services.traffic.setOriginEnabled(id, enabled);
        },
        setOriginWeight: (id, weight) => services.traffic.setOriginWeight(id, weight),
        removeOrigin: (id) => services.traffic.removeOrigin(id),
        getOrigin: (id) => services.traffic.getOrigin(id),
        listOrigins: () => services.traffic.listOrigins(),
      },
    }),
  });
  await plane.start();
  try {
    const svc = plane.services;
    const ids = await seedFleet(svc, plane.sim, Object.fromEntries(perRegion));
    if (options.archived > 0) await writeArchived(svc, options.archived, 'westeurope');
    const failing = shuffled(ids, options.seed).slice(0, options.failing);

    // As Azure Monitor's action group sends them: its secure webhook's token, as on Azure.
    const post = async (body: string): Promise<void> => {
      const status = await postAsActionGroup(plane.origin, plane.identity, body);
      if (status !== 202) throw new Error(`alert receiver answered ${status}`);
    };

    // The current alert of each failing stamp: fired a minute ago, still firing.
    const current = failing.map((id) => ({
      id,
      body: healthAlert(id, `alert-${id}-current`, 'Fired', new Date(T0.getTime() - 60_000)),
    }));
    // Its history: older alerts that fired and resolved (flaps), to be duplicated and shuffled.
    const history: string[] = [];
    for (const id of failing) {
      for (let k = 0; k < options.alertsPerStamp - 1; k += 1) {
        const fired = new Date(T0.getTime() - (options.alertsPerStamp - k) * 10 * 60_000);
        const resolved = new Date(fired.getTime() + 2 * 60_000);
        history.push(healthAlert(id, `alert-${id}-${k}`, 'Fired', fired));
        history.push(healthAlert(id, `alert-${id}-${k}`, 'Resolved', fired, resolved));
      }
      history.push(current.find((c) => c.id === id)?.body ?? '');
    }
    const storm = shuffled(
      Array.from({ length: options.signals - current.length }, (_, i) => history[i % history.length] ?? ''),
      options.seed + 1,
    );

    const receivedAt = new Map<string, number>();
    if (metered === undefined) throw new Error('the store was not metered');
    const usage = metered;
    const before = snapshotUsage(usage);
    const wallMs = await timed(async () => {
      await pool(current, 16, async ({ id, body }) => {
        receivedAt.set(id, performance.now());
        await post(body);
      });
      await pool(storm, 16, post);
      await plane.idle();
    });
    const latencies = failing.map((id) => (isolatedAt.get(id) ?? Number.NaN) - (receivedAt.get(id) ?? 0));
    const during = usageSince(usage, before);
    const decisions = during.events['decided'] ?? 0;
    const guardViolations = await guardsBroken(svc, failing);
    const alone = options.duplicates === false ? undefined : await duplicatesAlone(plane, svc, current, post);
    const stamps = await svc.store.list();
    const replacements = stamps.filter(
      (s) => s.replacementFor !== undefined && failing.includes(s.replacementFor),
    );
    const isolated = stamps.filter((s) => failing.includes(s.id) && s.traffic === 'isolated');
    return {
      signals: options.signals,
      wallMs,
      msPerSignal: wallMs / options.signals,
      signalsPerSecond: (options.signals / wallMs) * 1000,
      isolateP50Ms: percentile(latencies, 50),
      isolateP99Ms: percentile(latencies, 99),
      msPerDuplicate: alone?.msPerDuplicate ?? Number.NaN,
      msPerDuplicateAtReceiver: alone?.msPerDuplicateAtReceiver ?? Number.NaN,
      msPerSignalLogRead: alone?.msPerSignalLogRead ?? Number.NaN,
      isolatedOnce: isolations === failing.length && isolated.length === failing.length,
      isolatedAtMostOnce: isolations === isolated.length,
      held: stamps.filter((s) => failing.includes(s.id) && s.health.heldBy !== undefined).length,
      isolations,
      replacements: replacements.length,
      expectedReplacements: failing.length,
      decisions,
      batches: during.calls['commitBatch'] ?? 0,
      msPerDecision: wallMs / decisions,
      conflictsPerDecision: total(during.conflicts) / decisions,
      store: during,
      guardViolations,
    };
  } finally {
    await plane.stop();
  }
}

/** B1d: duplicates alone, one at a time, each until the plane is idle again; then the receiver's own work. */
async function duplicatesAlone(
  plane: LocalControlPlane,
  svc: Services,
  current: readonly { readonly id: string; readonly body: string }[],
  post: (body: string) => Promise<void>,
): Promise<{ msPerDuplicate: number; msPerDuplicateAtReceiver: number; msPerSignalLogRead: number }> {
  const duplicates = current.slice(0, 10);
  const dupMs = await timed(async () => {
    for (let round = 0; round < 5; round += 1)
      for (const { body } of duplicates) {
        await post(body);
        await plane.idle();
      }
  });

  // The receiver's own cost of a duplicate: its handler in process, without the HTTP hop to it.
  // Imported after the host loaded the app, so the function registered with the host's core.
  const { receiveAlert } = await import('../functions/handlers/alerts.js');
  const receiverMs: number[] = [];
  // Its baseline, interleaved with it: the same point read of the signal log, on its own.
  const pointReadMs: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const { id, body } of duplicates) {
      const request = new HttpRequest({
        method: 'POST',
        url: `${plane.origin}/api/alerts`,
        // What App Service authentication hands the function for the action group's token.
        headers: {
          'content-type': 'application/json',
          ...platformHeadersFor(plane.identity.principalOf(LOCAL_ACTION_GROUP.name)),
        },
        body: { string: body },
      });
      const readStarted = performance.now();
      await svc.signals.find(`alert:alert-${id}-current:Fired`);
      pointReadMs.push(performance.now() - readStarted);
      const started = performance.now();
      const answer = await receiveAlert(
        request,
        new InvocationContext({ functionName: 'alerts', logHandler: () => undefined }),
      );
      receiverMs.push(performance.now() - started);
      if (!JSON.stringify(answer.body).includes('duplicate')) throw new Error('expected a duplicate');
    }
  }

  return {
    msPerDuplicate: dupMs / (duplicates.length * 5),
    msPerDuplicateAtReceiver: median(receiverMs),
    msPerSignalLogRead: median(pointReadMs),
  };
}

/**
 * The guards after the storm, read from the stamps themselves: every region keeps its minimum in
 * rotation, no more of the fleet is out of rotation for a failing probe than the blast radius
 * allows, and every failing stamp was isolated or held by a guard (none left undecided).
 */
async function guardsBroken(svc: Services, failing: readonly string[]): Promise<string[]> {
  const policy = svc.config.policy;
  const stamps = await svc.store.list();
  const broken: string[] = [];
  for (const region of policy.regions) {
    const inRotation = stamps.filter(
      (s) => s.region === region.name && s.phase === 'active' && s.traffic === 'in-rotation',
    ).length;
    if (inRotation < policy.minInRotationPerRegion)
      broken.push(`${region.name}: ${inRotation} in rotation, below ${policy.minInRotationPerRegion}`);
  }
  const base = stamps.filter(
    (s) =>
      s.phase === 'active' &&
      (s.traffic === 'in-rotation' || (s.traffic === 'isolated' && s.health.probe === 'failing')),
  );
  const isolatedFailing = base.filter((s) => s.traffic === 'isolated').length;
  if (isolatedFailing * 100 > policy.maxUnhealthyPercent * base.length)
    broken.push(
      `${isolatedFailing} of ${base.length} isolated for failing probes, above ${policy.maxUnhealthyPercent}%`,
    );
  for (const id of failing) {
    const stamp = stamps.find((s) => s.id === id);
    if (stamp?.traffic !== 'isolated' && stamp?.health.heldBy === undefined)
      broken.push(
        `${id} is failing and neither isolated nor held (${stamp?.phase ?? 'gone'}/${stamp?.traffic ?? ''})`,
      );
  }
  return broken;
}
