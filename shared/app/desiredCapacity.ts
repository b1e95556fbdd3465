import { retryOnConflict } from '../errors/retryOnConflict';
import { type LifecyclePolicy, type RegionPolicy, regionPolicy } from '../lifecycle/policy';
import {
  checkDesired,
  desiredChangeSchema,
  effectiveDesired,
  withDesiredChange,
} from '../lifecycle/regionDesired';
import type { StoredLedger } from '../ports/stampStore';
import { requestReconciliation } from './fleetReconciler';
import type { Services } from './services';

export type DesiredRefusal =
  | { readonly kind: 'unknown-region'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export type DesiredOutcome =
  | { readonly kind: 'set'; readonly ledger: StoredLedger; readonly from: number; readonly to: number }
  | DesiredRefusal;

/** The region a desired count may be set for, or why it may not (an unknown region, outside its bounds). */
export function checkedRegion(
  policy: LifecyclePolicy,
  region: string,
  desired: number,
): { readonly kind: 'region'; readonly region: RegionPolicy } | DesiredRefusal {
  const known = regionPolicy(policy, region);
  if (known === undefined) {
    return {
      kind: 'unknown-region',
      reason: `there is no region '${region}'; configured regions are ${policy.regions.map((r) => r.name).join(', ')}`,
    };
  }
  const check = checkDesired(policy, region, desired);
  return check.ok ? { kind: 'region', region: known } : { kind: 'invalid', reason: check.reason };
}

/**
 * An operator sets a region's desired stamp count (PUT /api/regions/{name}): checked against
 * the region's bounds, written with the change into the ledger's audit trail (If-Match), then the
 * fleet reconciler is asked to converge to it.
 */
export async function setDesired(
  svc: Services,
  region: string,
  desired: number,
  who: {
    readonly actor: string;
    readonly actorId?: string;
    readonly reason: string;
    readonly requestId: string;
  },
): Promise<DesiredOutcome> {
  const policy = svc.config.policy;
  const checked = checkedRegion(policy, region, desired);
  if (checked.kind !== 'region') return checked;
  const known = checked.region;
  const outcome = await retryOnConflict(`set desired of ${region}`, async () => {
    const stored = await svc.store.ensureLedger(known.name, known.code);
    const from = effectiveDesired(policy, region, stored.ledger.desired);
    const change = desiredChangeSchema.parse({
      at: svc.clock.now().toISOString(),
      from,
      to: desired,
      actor: who.actor,
      ...(who.actorId === undefined ? {} : { actorId: who.actorId }),
      reason: who.reason,
      source: 'operator',
    });
    const ledger = await svc.store.replaceLedger(
      { ...stored.ledger, desired, desiredChanges: withDesiredChange(stored.ledger.desiredChanges, change) },
      stored.etag,
    );
    return { kind: 'set' as const, ledger, from, to: desired };
  });
  await requestReconciliation(
    svc,
    `desired:${region}:${who.requestId}`,
    `desired of ${region} set to ${desired} by ${who.actor}`,
  );
  return outcome;
}
