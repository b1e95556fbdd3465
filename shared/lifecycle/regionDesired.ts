import { z } from 'zod';

import { type LifecyclePolicy, regionPolicy } from './policy';

/**
 * A region's desired stamp count: what the fleet reconciler converges to. It lives in the
 * region's ledger; a region that never had one set desires its maximum (the seed's 4/3/3).
 */
export interface DesiredBounds {
  /** At least the minimum in rotation (and at least one): a region is never planned empty. */
  readonly min: number;
  readonly max: number;
}

export function desiredBounds(policy: LifecyclePolicy, region: string): DesiredBounds | undefined {
  const found = regionPolicy(policy, region);
  if (found === undefined) return undefined;
  return { min: Math.min(found.max, Math.max(1, policy.minInRotationPerRegion)), max: found.max };
}

/**
 * The stored desired count, or the configured one (default: the region's maximum less its warm
 * spares) when none was
 * set; never above the maximum (a lowered maximum wins over an old stored count).
 */
export function effectiveDesired(
  policy: LifecyclePolicy,
  region: string,
  stored: number | undefined,
): number {
  const found = regionPolicy(policy, region);
  if (found === undefined) return 0;
  // Warm spares hold slots of the max: a region never given a count leaves room for them.
  const byDefault = Math.max(0, found.max - policy.spares.perRegion);
  return Math.min(found.max, Math.max(0, stored ?? found.desired ?? byDefault));
}

export type DesiredCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether an operator may set `desired` for `region` (the HTTP API answers 400 otherwise). */
export function checkDesired(policy: LifecyclePolicy, region: string, desired: number): DesiredCheck {
  const bounds = desiredBounds(policy, region);
  if (bounds === undefined) return { ok: false, reason: `unknown region '${region}'` };
  if (!Number.isInteger(desired) || desired < bounds.min || desired > bounds.max) {
    return {
      ok: false,
      reason: `desired for ${region} must be a whole number from ${bounds.min} (the minimum in rotation) to ${bounds.max} (the region's maximum), got ${desired}`,
    };
  }
  return { ok: true };
}

/** One change of a region's desired count, kept in the ledger as the region's audit trail. */
export const desiredChangeSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  actor: z.string().min(1),
  /** The signed-in principal's object id, when a person changed it. */
  actorId: z.string().optional(),
  reason: z.string().min(1),
  /** `operator` (PUT /api/regions/{name}), `stamp-request` (POST /api/stamps), `capacity-alert`. */
  source: z.enum(['operator', 'stamp-request', 'capacity-alert', 'reverted']),
  /** For a `stamp-request`: the stamp that raised it (a failed request gives the raise back). */
  stampId: z.string().optional(),
});
export type DesiredChange = z.infer<typeof desiredChangeSchema>;

/** How many desired-count changes a ledger keeps (the newest). */
export const DESIRED_CHANGE_MEMORY = 50;

/**
 * A ledger slot reserved for a stamp that was never written (its request failed) is dropped; if
 * that request raised the desired count and nothing changed it since, the raise is given back, so
 * the fleet reconciler does not build the stamp the failed request asked for.
 */
export function withoutReservation<
  L extends {
    readonly members: Readonly<Record<string, unknown>>;
    readonly desired?: number;
    readonly desiredChanges?: readonly DesiredChange[];
  },
>(ledger: L, stampId: string, now: string): L {
  const { [stampId]: _dropped, ...members } = ledger.members;
  const last = ledger.desiredChanges?.at(-1);
  if (last?.source !== 'stamp-request' || last.stampId !== stampId || ledger.desired !== last.to)
    return { ...ledger, members };
  return {
    ...ledger,
    members,
    desired: last.from,
    desiredChanges: withDesiredChange(ledger.desiredChanges, {
      at: now,
      from: last.to,
      to: last.from,
      actor: last.actor,
      reason: `the request for ${stampId} failed before the stamp was written`,
      source: 'reverted',
      stampId,
    }),
  };
}

export function withDesiredChange(
  changes: readonly DesiredChange[] | undefined,
  change: DesiredChange,
): DesiredChange[] {
  return [...(changes ?? []), change].slice(-DESIRED_CHANGE_MEMORY);
}
