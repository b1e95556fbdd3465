import { newStamp } from '../../lifecycle/newStamp';
import { type PlacementRequest, placeStamp } from '../../lifecycle/placement';
import { effectiveDesired } from '../../lifecycle/regionDesired';
import type { Cause } from '../../lifecycle/stamp';
import { deploymentName, formatStampId } from '../../lifecycle/stampNames';
import { checkedRegion, type DesiredRefusal } from '../desiredCapacity';
import { fleetFromLedgers, readLedgers } from '../fleet';
import { raisedDesired } from '../requestStamp';
import type { Services } from '../services';
import { previewStampDeployment } from './deploymentPreview';
import { afterwards, type DeploymentSummary, type Preview } from './preview';

/** What ARM would refuse a deployment for: no quota left, or a write the app's roles do not allow. */
function deploymentRefusal(
  deployment: DeploymentSummary,
  region: string,
): { readonly guard: string; readonly reason: string } | undefined {
  if (deployment.quotaLeft === 0)
    return {
      guard: 'quota',
      reason: `the subscription's quota in ${region} allows no more stamps; a deployment there would fail with QuotaExceeded`,
    };
  const refused = deployment.permissions?.refused ?? [];
  if (refused.length > 0)
    return {
      guard: 'authorization',
      reason: `the control plane's roles do not allow ${refused.map((r) => r.action).join(', ')}; a deployment would fail with AuthorizationFailed (see the roles in infra/README.md)`,
    };
  return undefined;
}

export type CapacityPreview = { readonly kind: 'preview'; readonly preview: Preview } | DesiredRefusal;

/** `PUT /api/regions/{name}`: the bounds checked as `setDesired` checks them, then the plan. */
export async function previewDesired(
  svc: Services,
  region: string,
  desired: number,
): Promise<CapacityPreview> {
  const policy = svc.config.policy;
  const checked = checkedRegion(policy, region, desired);
  if (checked.kind !== 'region') return checked;
  const ledgers = await readLedgers(svc.store, policy);
  const current = ledgers.find((l) => l.ledger.region === region)?.ledger;
  const from = effectiveDesired(policy, region, current?.desired);
  return {
    kind: 'preview',
    preview: {
      dryRun: true,
      outcome: 'accepted',
      summary: `desired of ${region}: ${from} → ${desired}`,
      effects: [],
      ...(await afterwards(svc, ledgers, { region, desired: { desired } })),
    },
  };
}

/**
 * `POST /api/stamps`: where the stamp would go (the same pure placement, against the same
 * ledgers), the id it would get, its first effects and the region's desired count raised by one,
 * as `requestStamp` would write them. The id is the next free one now; another request may take
 * it first.
 */
export async function previewStampRequest(
  svc: Services,
  placement: PlacementRequest,
  cause: Cause,
): Promise<CapacityPreview> {
  const { store, config, clock } = svc;
  const ledgers = await readLedgers(store, config.policy);
  const placed = placeStamp(placement, fleetFromLedgers(ledgers), config.policy);
  const asked = placement.region ?? 'any region';
  if (placed.kind === 'unknown-region') return placed;
  if (placed.kind === 'no-capacity') {
    return {
      kind: 'preview',
      preview: {
        dryRun: true,
        outcome: 'refused',
        summary: `a stamp in ${asked}`,
        effects: [],
        guard: 'capacity',
        reason: placed.reason,
        ...(await afterwards(svc, ledgers, {
          region:
            placement.region ??
            [...config.policy.regions].sort((a, b) => a.priority - b.priority)[0]?.name ??
            '',
        })),
      },
    };
  }
  const stored = ledgers.find((l) => l.ledger.region === placed.region.name);
  const now = clock.now().toISOString();
  const stampId = formatStampId(placed.region.code, (stored?.ledger.lastSeq ?? 0) + 1);
  const born = newStamp({ id: stampId, region: placed.region.name, now, cause });
  const deployment = await previewStampDeployment(svc, {
    stampId,
    region: placed.region.name,
    generation: born.stamp.generation,
    deploymentName: deploymentName(stampId, born.stamp.generation),
  });
  const blocked = deploymentRefusal(deployment, placed.region.name);
  if (blocked !== undefined) {
    // The deployment would be refused by ARM: say so now, before anything is reserved or started.
    return {
      kind: 'preview',
      preview: {
        dryRun: true,
        outcome: 'refused',
        summary: `${stampId} in ${placed.region.name}`,
        effects: [],
        ...blocked,
        deployment,
        ...(await afterwards(svc, ledgers, { region: placed.region.name })),
      },
    };
  }
  const desired =
    stored === undefined
      ? undefined
      : raisedDesired(
          stored.ledger,
          config.policy,
          { actor: cause.actor ?? '', reason: cause.reason },
          now,
          stampId,
        );
  return {
    kind: 'preview',
    preview: {
      dryRun: true,
      outcome: 'accepted',
      summary: `${stampId} in ${placed.region.name}${placed.surge ? ' (surge)' : ''}`,
      transition: { stampId, from: null, to: { phase: born.stamp.phase, traffic: born.stamp.traffic } },
      effects: born.effects,
      deployment,
      ...(await afterwards(svc, ledgers, {
        region: placed.region.name,
        stamp: born.stamp,
        ...(desired === undefined ? {} : { desired }),
      })),
    },
  };
}
