import { ConflictError } from '../errors';
import { retryOnConflict } from '../errors/retryOnConflict';
import type { Effect } from '../lifecycle/effects';
import { newStamp } from '../lifecycle/newStamp';
import { type PlacementRequest, placeStamp } from '../lifecycle/placement';
import type { LifecyclePolicy } from '../lifecycle/policy';
import {
  desiredBounds,
  effectiveDesired,
  withDesiredChange,
  withoutReservation,
} from '../lifecycle/regionDesired';
import type { Cause, Stamp } from '../lifecycle/stamp';
import { formatStampId } from '../lifecycle/stampNames';
import type { RegionLedger } from '../ports/stampStore';
import { fleetFromLedgers, readLedgers } from './fleet';
import type { Services } from './services';

export interface StampRequest {
  readonly placement: PlacementRequest;
  readonly cause: Cause;
  /** The isolated stamp this one replaces. */
  readonly replacementFor?: string;
}

/** Who asked for a stamp the fleet did not plan: the region's desired count goes up with it. */
export interface DesiredRaise {
  readonly actor: string;
  readonly reason: string;
}

export type Reservation =
  | { readonly kind: 'reserved'; readonly stampId: string; readonly region: string; readonly surge: boolean }
  | { readonly kind: 'unknown-region'; readonly reason: string }
  | { readonly kind: 'no-capacity'; readonly reason: string };

/**
 * Guard 3 made race-free: chooses a region with the pure placement and, in the same If-Match
 * write of that region's ledger, allocates the stamp id and takes the slot. Two requests for the
 * last slot cannot both win: the loser re-reads and is refused or placed elsewhere.
 */
export function reserveStamp(
  svc: Services,
  placement: PlacementRequest,
  raise?: DesiredRaise,
): Promise<Reservation> {
  const { store, config, clock } = svc;
  return retryOnConflict('reserve a stamp slot', async () => {
    const ledgers = await readLedgers(store, config.policy);
    const placed = placeStamp(placement, fleetFromLedgers(ledgers), config.policy);
    if (placed.kind !== 'placed') return placed;
    const stored = ledgers.find((l) => l.ledger.region === placed.region.name);
    if (stored === undefined) throw new ConflictError(`no ledger for ${placed.region.name}`);
    const seq = stored.ledger.lastSeq + 1;
    const stampId = formatStampId(placed.region.code, seq);
    await store.replaceLedger(
      {
        ...stored.ledger,
        ...(raise === undefined
          ? {}
          : raisedDesired(stored.ledger, config.policy, raise, clock.now().toISOString(), stampId)),
        lastSeq: seq,
        members: {
          ...stored.ledger.members,
          [stampId]: {
            id: stampId,
            region: placed.region.name,
            phase: 'provisioning',
            traffic: 'none',
            probe: 'healthy',
          },
        },
      },
      stored.etag,
    );
    return { kind: 'reserved', stampId, region: placed.region.name, surge: placed.surge };
  });
}

/**
 * A stamp asked for outside the plan (POST /api/stamps) raises its region's desired count by one,
 * within the region's maximum, so the reconciler keeps it instead of retiring it as a surplus.
 */
export function raisedDesired(
  ledger: RegionLedger,
  policy: LifecyclePolicy,
  raise: DesiredRaise,
  now: string,
  stampId: string,
): Pick<RegionLedger, 'desired' | 'desiredChanges'> {
  const from = effectiveDesired(policy, ledger.region, ledger.desired);
  const to = Math.min(from + 1, desiredBounds(policy, ledger.region)?.max ?? from);
  if (to === from) return ledger.desired === undefined ? {} : { desired: ledger.desired };
  return {
    desired: to,
    desiredChanges: withDesiredChange(ledger.desiredChanges, {
      at: now,
      from,
      to,
      actor: raise.actor,
      reason: `${stampId} requested: ${raise.reason}`,
      source: 'stamp-request',
      stampId,
    }),
  };
}

export interface CreatedStamp {
  readonly stamp: Stamp;
  /** The effects of the stamp's birth (start the deployment); the orchestration runs them. */
  readonly effects: readonly Effect[];
  /** False when the stamp already existed (a retried request): nothing new was written. */
  readonly created: boolean;
}

/** Writes a reserved stamp's first state and audit record; a second call returns the first. */
export async function createReservedStamp(
  svc: Services,
  input: {
    readonly stampId: string;
    readonly region: string;
    readonly cause: Cause;
    readonly replacementFor?: string;
    /** A warm spare for the region's pool (the fleet reconciler's). */
    readonly spare?: boolean;
  },
): Promise<CreatedStamp> {
  const born = newStamp({
    id: input.stampId,
    region: input.region,
    now: svc.clock.now().toISOString(),
    cause: input.cause,
    ...(input.replacementFor === undefined ? {} : { replacementFor: input.replacementFor }),
    ...(input.spare === true ? { spare: true } : {}),
  });
  try {
    const stored = await svc.store.create(born.stamp, born.audit);
    return { stamp: stored.stamp, effects: born.effects, created: true };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const existing = await svc.store.get(input.stampId);
    if (existing === undefined) throw error;
    return { stamp: existing.stamp, effects: born.effects, created: false };
  }
}

export type StampRequestOutcome =
  | ({ readonly kind: 'created' } & CreatedStamp)
  | { readonly kind: 'unknown-region'; readonly reason: string }
  | { readonly kind: 'no-capacity'; readonly reason: string };

/** A new stamp: reserve a slot and an id, then write its first state. */
export async function requestStamp(svc: Services, request: StampRequest): Promise<StampRequestOutcome> {
  const reservation = await reserveStamp(svc, request.placement, {
    actor: request.cause.actor ?? 'operator',
    reason: request.cause.reason,
  });
  if (reservation.kind !== 'reserved') return reservation;
  try {
    const created = await createReservedStamp(svc, {
      stampId: reservation.stampId,
      region: reservation.region,
      cause: request.cause,
      ...(request.replacementFor === undefined ? {} : { replacementFor: request.replacementFor }),
    });
    return { kind: 'created', ...created };
  } catch (error) {
    // Give the slot back now rather than at the next reconciliation, so a retry is not refused
    // for a capacity this failed request still held. Best effort: the sweep remains the backstop.
    await releaseReservation(svc, reservation.region, reservation.stampId).catch(() => undefined);
    throw error;
  }
}

/** Removes a reserved ledger slot whose stamp was never written. */
export async function releaseReservation(svc: Services, region: string, stampId: string): Promise<void> {
  const policy = svc.config.policy.regions.find((r) => r.name === region);
  if (policy === undefined) return;
  await retryOnConflict(`release ${stampId}`, async () => {
    if ((await svc.store.get(stampId)) !== undefined) return;
    const stored = await svc.store.ensureLedger(policy.name, policy.code);
    if (stored.ledger.members[stampId] === undefined) return;
    await svc.store.replaceLedger(
      withoutReservation(stored.ledger, stampId, svc.clock.now().toISOString()),
      stored.etag,
    );
  });
}
