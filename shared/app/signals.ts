import type { StampSignal } from '../lifecycle/alerts/classifyAlert';
import type { StampEvent } from '../lifecycle/events';
import { placeStamp } from '../lifecycle/placement';
import { decideScaling } from '../lifecycle/scaling';
import { fleetFromLedgers, readLedgers } from './fleet';
import { type CreatedStamp, createReservedStamp } from './requestStamp';
import { retryOnConflict } from './retryOnConflict';
import type { Services } from './services';

export type SignalOutcome =
  | { readonly kind: 'queued'; readonly stampId: string }
  | { readonly kind: 'duplicate'; readonly stampId: string }
  | { readonly kind: 'unknown-stamp'; readonly stampId: string }
  | ({ readonly kind: 'scaled-out'; readonly stampId: string } & CreatedStamp)
  | { readonly kind: 'scaled-in'; readonly stampId: string; readonly drained: string }
  | { readonly kind: 'hold'; readonly stampId: string; readonly reason: string };

/**
 * A stamp signal from Event Grid. Health signals go into the stamp's inbox for its
 * orchestration; capacity signals scale the stamp's region out or in (pure decision, cooldown
 * and slot taken in one If-Match write of the region ledger).
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
    const queued = await store.enqueueEvent(stampId, event);
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
  return scale(svc, signal);
}

async function scale(svc: Services, signal: StampSignal): Promise<SignalOutcome> {
  const { store, config, clock } = svc;
  const stampId = signal.stampId;
  const plan = await retryOnConflict(`scale on ${signal.eventId}`, async () => {
    const now = clock.now().toISOString();
    const ledgers = await readLedgers(store, config.policy);
    const home = ledgers.find((l) => l.ledger.members[stampId] !== undefined);
    if (home === undefined) return { kind: 'unknown' as const };
    const fleet = fleetFromLedgers(ledgers);
    const decision = decideScaling(
      {
        kind: signal.type === 'CapacityHigh' ? 'CapacityHigh' : 'CapacityLow',
        stampId,
        region: home.ledger.region,
      },
      fleet,
      config.policy,
      now,
      {
        ...(home.ledger.lastScaleOutAt === undefined ? {} : { lastScaleOutAt: home.ledger.lastScaleOutAt }),
        ...(home.ledger.lastScaleInAt === undefined ? {} : { lastScaleInAt: home.ledger.lastScaleInAt }),
      },
    );
    if (decision.kind === 'hold') return decision;
    if (decision.kind === 'scale-in') {
      await store.replaceLedger({ ...home.ledger, lastScaleInAt: now }, home.etag);
      return decision;
    }
    const placed = placeStamp({ region: decision.region, allowOtherRegions: false }, fleet, config.policy);
    if (placed.kind !== 'placed') return { kind: 'hold' as const, reason: placed.reason };
    const seq = home.ledger.lastSeq + 1;
    const newId = `${placed.region.code}-${String(seq).padStart(3, '0')}`;
    await store.replaceLedger(
      {
        ...home.ledger,
        lastSeq: seq,
        lastScaleOutAt: now,
        members: {
          ...home.ledger.members,
          [newId]: {
            id: newId,
            region: placed.region.name,
            phase: 'provisioning',
            traffic: 'none',
            probe: 'healthy',
          },
        },
      },
      home.etag,
    );
    return { kind: 'scale-out' as const, stampId: newId, region: placed.region.name };
  });

  switch (plan.kind) {
    case 'unknown':
      return { kind: 'unknown-stamp', stampId };
    case 'hold':
      return { kind: 'hold', stampId, reason: plan.reason };
    case 'scale-in': {
      const event: StampEvent = {
        type: 'DrainRequested',
        id: `${signal.eventId}:scale-in`,
        source: 'scale-in',
        actor: 'autoscale',
        reason: `capacity low in ${signal.stampId}'s region (alert ${signal.alertRule})`,
      };
      await store.enqueueEvent(plan.stampId, event);
      return { kind: 'scaled-in', stampId, drained: plan.stampId };
    }
    case 'scale-out': {
      const created = await createReservedStamp(svc, {
        stampId: plan.stampId,
        region: plan.region,
        cause: {
          kind: 'scale',
          eventId: signal.eventId,
          reason: `capacity high (alert ${signal.alertRule} on ${stampId})`,
          actor: 'autoscale',
        },
      });
      return { kind: 'scaled-out', ...created, stampId: plan.stampId };
    }
  }
}
