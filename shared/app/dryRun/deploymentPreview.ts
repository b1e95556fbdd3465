import { ensureError } from '../../errors';
import type { PredictedChange, StampDeploymentRequest } from '../../ports/deployer';
import type { Services } from '../services';
import { refusedWrites } from './armPermissions';
import type { DeploymentSummary } from './preview';
import { resourceTypeOf } from './resourceType';

function tally(
  changes: readonly PredictedChange[],
  key: (change: PredictedChange) => string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of changes) counts[key(change)] = (counts[key(change)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A new stamp's deployment before it starts: ARM's what-if, summarised by resource type and
 * change, and the quota the region has left. A what-if that fails says so; it does not decide.
 */
export async function previewStampDeployment(
  svc: Services,
  request: StampDeploymentRequest,
): Promise<DeploymentSummary> {
  const quotaLeft = await svc.deployer.remainingStampQuota(request.region).catch(() => undefined);
  const quota = quotaLeft === undefined ? {} : { quotaLeft };
  try {
    const preview = await svc.deployer.previewDeployment(request);
    const granted = await svc.deployer.deploymentPermissions().catch(() => undefined);
    return {
      source: preview.source,
      byType: tally(preview.changes, (c) => resourceTypeOf(c.resourceId)),
      byChange: tally(preview.changes, (c) => c.changeType),
      ...quota,
      permissions:
        granted === undefined
          ? { checked: false, refused: [] }
          : { checked: true, refused: refusedWrites(preview.changes, granted) },
    };
  } catch (error) {
    return { unavailable: `the what-if failed: ${ensureError(error).message}`, ...quota };
  }
}
