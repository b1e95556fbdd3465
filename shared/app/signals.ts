import { retryOnConflict } from '../errors/retryOnConflict';
import type { StampSignal } from '../lifecycle/alerts/classifyAlert';
import type { StampEvent } from '../lifecycle/events';
import { effectiveDesired, withDesiredChange } from '../lifecycle/regionDesired';
import type { CapacitySignalRecord } from '../lifecycle/regionStatus';
import { decideScaling } from '../lifecycle/scaling';
import { addMinutes, isBefore } from '../lifecycle/time';
import { traceHere } from '../telemetry/traceContext';
import { fleetFromLedgers, readLedgers } from './fleet';
import { requestReconciliation } from './fleetReconciler';
import type { Services } from './services';

export type SignalOutcome =
  | { readonly kind: 'queued'; readonly stampId: string }
  | { readonly kind: 'duplicate'; readonly stampId: string }
  | { readonly kind: 'unknown-stamp'; readonly stampId: string }
  | {
      readonly kind: 'desired-changed';
      readonly stampId: string;
      readonly region: string;
      readonly desired: number;
    }
  | { readonly kind: 'hold'; readonly stampId: string; readonly reason: string }
  | {
      /** A capacity alert resolved: the region's episode is closed, or there was none open to close. */
      readonly kind: 'episode-ended' | 'no-episode';
      readonly stampId: string;
      readonly detail: string;
    };

/**
 * A stamp signal from Event Grid. Health signals go into the stamp's inbox for its
 * orchestration; capacity signals change the desired stamp count of the stamp's region by one
 * (pure decision, cooldown and the new count in one If-Match write of the region ledger), and the
 * fleet reconciler places or retires the stamp.
 */
export async function handleStampSignal(svc: Services, signal: StampSignal): Promise<SignalOutcome> {
  const { store } = svc;
  const stampId = signal.stampId;
  if (signal.type === 'HealthProbeFailed' || signal.type === 'HealthProbeRecovered') {
    if ((await store.get(stampId)) === undefined) return { kind: 'unknown-stamp', stampId };
    const event: StampEvent = {
      type: signal.type,
      id: signal.eventId,
      alertId: signal.alertId,
      observedAt: signal.observedAt,
    };
    // The stamp's orchestration continues the signal's trace (shared/telemetry/).
    const queued = await store.enqueueEvent(stampId, event, traceHere(svc.clock.now().toISOString()));
    return { kind: queued, stampId };
  }
  if (
    !(await store.recordProcessedEvent(signal.eventId, {
      source: 'capacity-signal',
      stampId,
      at: svc.clock.now().toISOString(),
    }))
  ) {
    return { kind: 'duplicate', stampId };
  }
  return signal.type === 'CapacityResolved' ? endEpisode(svc, signal) : scale(svc, signal);
}

/**
 * A Resolved capacity alert closes the episode its Fired notification began: the region's last
 * capacity record says when it ended, so a held scale-out no longer shows as pending. Desired
 * stays where the episode left it; the opposite alert (capacity low) is what scales back.
 */
async function endEpisode(svc: Services, signal: StampSignal): Promise<SignalOutcome> {
  const { store, config } = svc;
  const stampId = signal.stampId;
  return retryOnConflict(`end capacity episode on ${signal.eventId}`, async () => {
    const ledgers = await readLedgers(store, config.policy);
    // By the alert first: the episode's stamp may have left the region since (retired by it).
    const home =
      ledgers.find((l) => l.ledger.capacitySignal?.alertId === signal.alertId) ??
      ledgers.find((l) => l.ledger.members[stampId] !== undefined);
    if (home === undefined) return { kind: 'unknown-stamp' as const, stampId };
    const open = home.ledger.capacitySignal;
    const same =
      open !== undefined &&
      open.resolvedAt === undefined &&
      (open.alertId === undefined ? open.stampId === stampId : open.alertId === signal.alertId);
    if (!same) {
      return {
        kind: 'no-episode' as const,
        stampId,
        detail: `capacity alert '${signal.alertRule}' resolved on ${stampId}; ${home.ledger.region} had no open capacity episode of it (a later alert took its place, or it was never recorded)`,
      };
    }
    await store.replaceLedger(
      { ...home.ledger, capacitySignal: { ...open, resolvedAt: signal.observedAt } },
      home.etag,
    );
    return {
      kind: 'episode-ended' as const,
      stampId,
      detail: `capacity alert '${signal.alertRule}' resolved on ${stampId}: the ${open.signal} episode of ${home.ledger.region} begun at ${open.at} (${open.outcome}) is over`,
    };
  });
}

/**
 * Azure Monitor's metric alerts are stateful: a capacity alert notifies once when it fires and
 * once when it resolves, never while it stays fired
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-overview#alerts-and-state).
 * So an episode still open (no Resolved yet) is decided again by the reconciliation sweep: a
 * scale-out held by the cooldown or by a stamp still being built happens once that has passed,
 * for as long as the alert stays fired, within the region's bounds. An episode whose stamp is no
 * longer active in the region is not continued (its alert goes with its cluster).
 */
export async function continueCapacityEpisodes(svc: Services): Promise<SignalOutcome[]> {
  const now = svc.clock.now().toISOString();
  const outcomes: SignalOutcome[] = [];
  for (const { ledger } of await readLedgers(svc.store, svc.config.policy)) {
    const open = ledger.capacitySignal;
    if (open === undefined || open.resolvedAt !== undefined || open.alertId === undefined) continue;
    if (ledger.members[open.stampId]?.phase !== 'active') continue;
    // A Resolved that never came (lost, or sent while the receiver was down) must not move the
    // region without end: an episode continues a few steps within a few hours, then waits for
    // a fresh alert or an operator.
    const startedAt = open.episodeStartedAt ?? open.at;
    const continued = open.continued ?? 0;
    if (continued >= EPISODE_MAX_CONTINUED || !isBefore(now, addMinutes(startedAt, EPISODE_MAX_HOURS * 60)))
      continue;
    outcomes.push(
      await scale(
        svc,
        {
          type: open.signal,
          stampId: open.stampId,
          alertId: open.alertId,
          eventId: `${open.alertId}:Fired:still-fired-at:${now}`,
          alertRule: `still fired since the episode's last decision at ${open.at}`,
          observedAt: now,
        },
        { startedAt, continued },
      ),
    );
  }
  return outcomes;
}

/** How far an episode goes without a fresh alert: changes of desired, and hours since it fired. */
export const EPISODE_MAX_CONTINUED = 3;
export const EPISODE_MAX_HOURS = 4;

async function scale(
  svc: Services,
  signal: StampSignal,
  episode?: { readonly startedAt: string; readonly continued: number },
): Promise<SignalOutcome> {
  const { store, config, clock } = svc;
  const stampId = signal.stampId;
  const plan = await retryOnConflict(`scale on ${signal.eventId}`, async () => {
    const now = clock.now().toISOString();
    const ledgers = await readLedgers(store, config.policy);
    const home = ledgers.find((l) => l.ledger.members[stampId] !== undefined);
    if (home === undefined) return { kind: 'unknown' as const };
    const { ledger } = home;
    const desired = effectiveDesired(config.policy, ledger.region, ledger.desired);
    const decision = decideScaling(
      {
        kind: signal.type === 'CapacityHigh' ? 'CapacityHigh' : 'CapacityLow',
        stampId,
        region: ledger.region,
      },
      fleetFromLedgers(ledgers),
      config.policy,
      now,
      {
        ...(ledger.lastScaleOutAt === undefined ? {} : { lastScaleOutAt: ledger.lastScaleOutAt }),
        ...(ledger.lastScaleInAt === undefined ? {} : { lastScaleInAt: ledger.lastScaleInAt }),
      },
      desired,
    );
    const record: CapacitySignalRecord = {
      at: now,
      signal: signal.type === 'CapacityHigh' ? 'CapacityHigh' : 'CapacityLow',
      stampId,
      alertId: signal.alertId,
      outcome: decision.kind === 'hold' ? 'held' : 'desired-changed',
      detail: decision.reason,
      ...(episode === undefined
        ? {}
        : {
            episodeStartedAt: episode.startedAt,
            continued: episode.continued + (decision.kind === 'hold' ? 0 : 1),
          }),
    };
    if (decision.kind === 'hold') {
      // The reason reaches the region (GET /api/regions), written only when it says something new.
      const last = ledger.capacitySignal;
      if (
        last?.outcome !== 'held' ||
        last.detail !== record.detail ||
        last.signal !== record.signal ||
        last.alertId !== record.alertId ||
        last.resolvedAt !== undefined
      )
        await store.replaceLedger({ ...ledger, capacitySignal: record }, home.etag);
      return decision;
    }
    await store.replaceLedger(
      {
        ...ledger,
        capacitySignal: record,
        ...(decision.direction === 'out' ? { lastScaleOutAt: now } : { lastScaleInAt: now }),
        desired: decision.desired,
        desiredChanges: withDesiredChange(ledger.desiredChanges, {
          at: now,
          from: desired,
          to: decision.desired,
          actor: 'autoscale',
          reason: `${decision.reason} (alert ${signal.alertRule})`,
          source: 'capacity-alert',
        }),
      },
      home.etag,
    );
    return decision;
  });

  switch (plan.kind) {
    case 'unknown':
      return { kind: 'unknown-stamp', stampId };
    case 'hold':
      return { kind: 'hold', stampId, reason: plan.reason };
    case 'set-desired':
      await requestReconciliation(svc, `capacity:${signal.eventId}`, plan.reason);
      return { kind: 'desired-changed', stampId, region: plan.region, desired: plan.desired };
  }
}
