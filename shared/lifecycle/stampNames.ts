/**
 * How a stamp and its Azure resources are named, in one place. The stamp template
 * (infra/stamp/main.bicep) builds the same names from the stamp id; a test compares the two.
 */

/** Stamp ids are `{region code}-{sequence}` (`weu-001`). */
export const STAMP_ID_PATTERN = /^[a-z]{2,8}-\d{3,6}$/;

export const STAMP_ID_EXAMPLE = 'weu-001';

export function isStampId(value: string | undefined): value is string {
  return value !== undefined && STAMP_ID_PATTERN.test(value);
}

/** The id of a region's `seq`-th stamp: the region code and at least three digits. */
export function formatStampId(code: string, seq: number): string {
  return `${code}-${String(seq).padStart(3, '0')}`;
}

const RESOURCE_GROUP_PREFIX = 'rg-synaxis-stamp-';
const AKS_CLUSTER_PREFIX = 'aks-synaxis-';

/** The resource group a stamp's infrastructure lives in. */
export function stampResourceGroup(stampId: string): string {
  return `${RESOURCE_GROUP_PREFIX}${stampId}`;
}

/** The stamp's AKS cluster. */
export function aksClusterName(stampId: string): string {
  return `${AKS_CLUSTER_PREFIX}${stampId}`;
}

/** The deterministic ARM deployment name: `stamp-{id}-{generation}`, at most 64 characters. */
export function deploymentName(stampId: string, generation: number): string {
  return `stamp-${stampId}-${generation}`.slice(0, 64);
}

/** The stamp named by a resource id inside its resource group (`.../resourceGroups/rg-synaxis-stamp-weu-001/...`). */
export const RESOURCE_GROUP_STAMP = new RegExp(
  `/resourcegroups/${RESOURCE_GROUP_PREFIX}([a-z0-9-]+)(/|$)`,
  'i',
);

/** The stamp named by its AKS cluster's name (`aks-synaxis-weu-001`). */
export const CLUSTER_STAMP = new RegExp(`^${AKS_CLUSTER_PREFIX}([a-z0-9-]+)$`, 'i');
