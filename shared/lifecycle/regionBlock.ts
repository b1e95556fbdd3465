import { z } from 'zod';

import { addMinutes, isBefore } from './time';

/**
 * A region that refused a stamp deployment for a reason that is the region's, not the stamp's
 * (no quota, no capacity for the VM size, the region unavailable), is blocked for a while: the
 * fleet reconciler places that region's deficit elsewhere instead of failing there again, and
 * tries the region again when the block ends, like a circuit breaker. Each further refusal
 * doubles the wait, up to REGION_BLOCK_MAX_MINUTES: nothing tells the control plane that a region
 * has recovered but a deployment that works, so a short cap bounds how long a recovered region
 * waits (bench B6), at the price of one refused attempt per cap during a long outage.
 */
export const regionBlockSchema = z.object({
  reason: z.string().min(1),
  since: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }),
  failures: z.number().int().min(1),
  /** The failed stamps already counted, so that seeing one again does not extend the block. */
  stampIds: z.array(z.string()),
});
export type RegionBlock = z.infer<typeof regionBlockSchema>;

export const REGION_BLOCK_MINUTES = 15;
export const REGION_BLOCK_MAX_MINUTES = 30;

/**
 * ARM error codes that say the region (or the subscription's quota there) cannot take the
 * stamp now, from "Troubleshoot common Azure deployment errors"
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors)
 * and "Resolve errors for SKU not available"
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available);
 * `RegionUnavailable` is the simulation's code for a region that is down. The rest are ARM itself
 * answering 5xx to the deployment's start through every retry of the orchestration, with the ARM
 * error code of its body or, without one, `Http{status}` (`shared/azure/errors.ts`): nothing about
 * the stamp, and a new stamp there would meet the same. Without them an ARM outage in a region
 * made the reconciler place a stamp there every 75 seconds, each failing in turn (found with the
 * chaos console's `arm-outage`). Throttling (429) is not here: ARM throttles per subscription
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling),
 * so blocking one region after another would only move the deficit around.
 */
export const REGION_FAILURE_CODES: readonly string[] = [
  'QuotaExceeded',
  'OperationNotAllowed',
  'SkuNotAvailable',
  'LocationNotAvailableForResourceType',
  'LocationNotAvailableForResourceGroup',
  'AllocationFailed',
  'ZonalAllocationFailed',
  'RegionUnavailable',
  'ServiceUnavailable',
  'InternalServerError',
  'GatewayTimeout',
  'BadGateway',
  'Http500',
  'Http502',
  'Http503',
  'Http504',
];

/** The ARM error code at the start of a recorded deployment error (`Code: message ...`). */
export function deploymentErrorCode(error: string | undefined): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9]*):/.exec(error ?? '');
  return match?.[1];
}

export function isRegionFailure(error: string | undefined): boolean {
  const code = deploymentErrorCode(error);
  return code !== undefined && REGION_FAILURE_CODES.includes(code);
}

/**
 * The region's block after a stamp's deployment failed there (`at`, with the recorded error);
 * unchanged when the failure is not the region's or was already counted.
 */
export function blockAfterFailure(
  previous: RegionBlock | undefined,
  failure: { readonly stampId: string; readonly error: string | undefined; readonly at: string },
  now: string,
): RegionBlock | undefined {
  if (!isRegionFailure(failure.error)) return previous;
  if (previous?.stampIds.includes(failure.stampId) === true) return previous;
  const active =
    previous !== undefined && isBefore(now, addMinutes(previous.until, REGION_BLOCK_MAX_MINUTES));
  const failures = active ? previous.failures + 1 : 1;
  const minutes = Math.min(REGION_BLOCK_MAX_MINUTES, REGION_BLOCK_MINUTES * 2 ** (failures - 1));
  const start = isBefore(failure.at, now) ? now : failure.at;
  return {
    reason: `a deployment failed there (${failure.stampId}: ${failure.error ?? ''})`,
    since: active ? previous.since : failure.at,
    until: addMinutes(start, minutes),
    failures,
    stampIds: [...(active ? previous.stampIds : []), failure.stampId].slice(-20),
  };
}

/** Whether the block still holds at `now`. */
export function isBlocked(block: RegionBlock | undefined, now: string): block is RegionBlock {
  return block !== undefined && isBefore(now, block.until);
}
