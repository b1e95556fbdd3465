import type { Cause } from '../lifecycle/stamp';
import { type CreatedStamp, createReservedStamp, releaseReservation, reserveStamp } from './requestStamp';
import { retryOnConflict } from './retryOnConflict';
import type { Services } from './services';

export interface ReplacementRequest {
  readonly failingStampId: string;
  readonly region: string;
  /** Regions not to place it in (a region outage excludes the failing region). */
  readonly excludeRegions: readonly string[];
  readonly requestId: string;
}

export type ReplacementOutcome =
  | ({ readonly kind: 'created' } & CreatedStamp)
  | { readonly kind: 'not-needed'; readonly reason: string }
  | { readonly kind: 'no-capacity'; readonly reason: string };

/**
 * Places and creates the replacement of an isolated stamp, at most one per stamp: the failing
 * stamp records the replacement's id before the replacement is written, so a redelivered request
 * finishes the same replacement instead of making a second.
 */
export async function provideReplacement(
  svc: Services,
  request: ReplacementRequest,
): Promise<ReplacementOutcome> {
  const cause: Cause = {
    kind: 'replacement',
    eventId: request.requestId,
    reason: `replacement for ${request.failingStampId}`,
  };
  const chosen = await choose(svc, request);
  if (chosen.kind !== 'chosen') return chosen;
  const created = await createReservedStamp(svc, {
    stampId: chosen.stampId,
    region: chosen.region,
    cause,
    replacementFor: request.failingStampId,
  });
  return { kind: 'created', ...created };
}

type Choice =
  | { readonly kind: 'chosen'; readonly stampId: string; readonly region: string }
  | { readonly kind: 'not-needed'; readonly reason: string }
  | { readonly kind: 'no-capacity'; readonly reason: string };

async function choose(svc: Services, request: ReplacementRequest): Promise<Choice> {
  const { store } = svc;
  const failing = await store.get(request.failingStampId);
  if (failing === undefined)
    return { kind: 'not-needed', reason: `${request.failingStampId} does not exist` };
  const recorded = failing.stamp.replacedBy;
  if (recorded !== undefined)
    return { kind: 'chosen', stampId: recorded, region: regionOfId(svc, recorded, failing.stamp.region) };
  if (failing.stamp.phase !== 'active') {
    return { kind: 'not-needed', reason: `${request.failingStampId} is ${failing.stamp.phase}` };
  }
  const reservation = await reserveStamp(svc, {
    region: request.region,
    allowOtherRegions: request.excludeRegions.length > 0,
    replacement: { excludeRegions: request.excludeRegions },
  });
  if (reservation.kind !== 'reserved') return { kind: 'no-capacity', reason: reservation.reason };
  const winner = await retryOnConflict(`record the replacement of ${request.failingStampId}`, async () => {
    const current = await store.get(request.failingStampId);
    if (current === undefined) return undefined;
    if (current.stamp.replacedBy !== undefined) return current.stamp.replacedBy;
    await store.replace({ ...current.stamp, replacedBy: reservation.stampId }, current.etag);
    return reservation.stampId;
  });
  if (winner !== reservation.stampId) {
    // Another delivery won the race: give the slot back rather than build a second replacement.
    await releaseReservation(svc, reservation.region, reservation.stampId);
    if (winner === undefined) return { kind: 'not-needed', reason: `${request.failingStampId} is gone` };
    return { kind: 'chosen', stampId: winner, region: regionOfId(svc, winner, failing.stamp.region) };
  }
  return { kind: 'chosen', stampId: reservation.stampId, region: reservation.region };
}

function regionOfId(svc: Services, stampId: string, fallback: string): string {
  const code = stampId.split('-')[0];
  return svc.config.policy.regions.find((r) => r.code === code)?.name ?? fallback;
}
