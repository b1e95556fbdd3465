import type { Effect } from '../../lifecycle/effects';
import { type FleetMember, memberOf } from '../../lifecycle/fleet';
import { planFleet } from '../../lifecycle/planFleet';
import { describeAction } from '../../lifecycle/regionStatus';
import type { Stamp } from '../../lifecycle/stamp';
import type { RegionLedger, StoredLedger } from '../../ports/stampStore';
import { isLive } from '../fleet';
import { planInputOf } from '../fleetReconciler';
import type { Services } from '../services';
import { regionView } from '../views';
import type { RefusedWrite } from './armPermissions';

/**
 * What a change would do, answered by a dry run (`?dryRun=true`) without writing or starting
 * anything: the same pure decision the real call makes, its effects as data, the capacity of the
 * regions it touches afterwards, and what the fleet reconciler would then do about them.
 */
export interface Preview {
  readonly dryRun: true;
  /** `accepted` (the real call answers 202), `refused` (409, the guard named) or `ignored`. */
  readonly outcome: 'accepted' | 'refused' | 'ignored';
  /** What the change is, in a line. */
  readonly summary: string;
  readonly transition?: {
    readonly stampId: string;
    readonly from: { readonly phase: string; readonly traffic: string } | null;
    readonly to: { readonly phase: string; readonly traffic: string };
  };
  readonly effects: readonly Effect[];
  readonly guard?: string;
  readonly reason?: string;
  /** The touched regions as `GET /api/regions` would show them afterwards. */
  readonly regionsAfter: readonly Record<string, unknown>[];
  /** What the next reconciliation would do, in the reconciler's words. */
  readonly reconciler: readonly string[];
  /** A new stamp's deployment, previewed before it starts (what-if, quota). */
  readonly deployment?: DeploymentSummary;
}

/** Resources counted by a key (a resource type, an ARM change type). */
export type Tally = Readonly<Record<string, number>>;

/**
 * A new stamp's deployment before it starts: the what-if's `source`, its resources `byType` and
 * `byChange`, the `quotaLeft` in the region when known, or why no preview could be made
 * (`unavailable`: the what-if failed; the dry run's decision stands).
 */
export type DeploymentSummary = Partial<{
  source: string;
  byType: Tally;
  byChange: Tally;
  quotaLeft: number;
  unavailable: string;
  /** The what-if's writes checked against the app's roles (`checked: false` when unreadable). */
  permissions: { readonly checked: boolean; readonly refused: readonly RefusedWrite[] };
}>;

/** A change to one region's ledger: its stamp's entry, and its desired count. */
export interface LedgerChange {
  readonly stamp?: Stamp;
  readonly desired?: Pick<RegionLedger, 'desired' | 'desiredChanges'>;
  readonly region: string;
}

function changed(ledger: RegionLedger, change: LedgerChange): RegionLedger {
  if (ledger.region !== change.region) return ledger;
  const members: Record<string, FleetMember> = { ...ledger.members };
  if (change.stamp !== undefined) {
    delete members[change.stamp.id];
    if (isLive(change.stamp)) members[change.stamp.id] = memberOf(change.stamp);
  }
  return { ...ledger, ...change.desired, members };
}

/**
 * The regions afterwards and the reconciler's next actions, from the stored ledgers with the
 * change applied in memory: nothing is written, and the plan is the one the reconciler would make.
 */
export async function afterwards(
  svc: Services,
  ledgers: readonly StoredLedger[],
  change: LedgerChange,
): Promise<Pick<Preview, 'regionsAfter' | 'reconciler'>> {
  const now = svc.clock.now().toISOString();
  const policy = svc.config.policy;
  const after = ledgers.map((stored) => ({ ...stored, ledger: changed(stored.ledger, change) }));
  const plan = planFleet(await planInputOf(svc, after, now), policy);
  const touched = new Set([change.region]);
  for (const action of plan.actions) if (action.kind !== 'hold') touched.add(action.region);
  return {
    regionsAfter: after
      .filter((stored) => touched.has(stored.ledger.region))
      .map((stored) => regionView(policy, stored.ledger.region, stored.ledger, now)),
    reconciler: plan.actions.map((action) => `${action.region}: ${describeAction(action)}`),
  };
}
