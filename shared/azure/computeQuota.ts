/**
 * How many more stamps a region's compute quota allows, from the Compute usages of the
 * subscription there (`GET /subscriptions/{id}/providers/Microsoft.Compute/locations/{region}/usages`,
 * https://learn.microsoft.com/rest/api/compute/usage/list): each entry names a quota
 * (`cores` for the regional vCPUs, `standardDSv3Family` for a VM family) with its `currentValue`
 * and `limit`. A stamp needs its node pools' vCPUs in every quota they count against.
 */
export const COMPUTE_USAGES_API_VERSION = '2024-07-01';

export interface ComputeUsage {
  readonly name: string;
  readonly currentValue: number;
  readonly limit: number;
}

/**
 * The stamp template's AKS node pools at deployment (infra/stamp/main.bicep, `agentPools`: the
 * initial counts, before autoscaling); a test keeps this table equal to the template.
 */
export const STAMP_NODE_POOLS: readonly { readonly vmSize: string; readonly count: number }[] = [
  { vmSize: 'Standard_D4s_v3', count: 3 },
  { vmSize: 'Standard_D8s_v3', count: 2 },
  { vmSize: 'Standard_D8s_v3', count: 1 },
];

/**
 * The VM sizes the template uses: vCPUs and quota family, from "Dv3 and Dsv3-series"
 * (https://learn.microsoft.com/azure/virtual-machines/dv3-dsv3-series: D4s_v3 4 vCPUs, D8s_v3 8)
 * and the family names the usages API reports (`standardDSv3Family`).
 */
const VM_SIZES: Readonly<Record<string, { readonly vcpus: number; readonly family: string }>> = {
  Standard_D4s_v3: { vcpus: 4, family: 'standardDSv3Family' },
  Standard_D8s_v3: { vcpus: 8, family: 'standardDSv3Family' },
};

/** vCPUs one stamp takes from each quota: the regional `cores` and each VM family. */
export function stampComputeNeeds(
  pools: readonly { readonly vmSize: string; readonly count: number }[] = STAMP_NODE_POOLS,
): Record<string, number> {
  const needs: Record<string, number> = { cores: 0 };
  for (const pool of pools) {
    const size = VM_SIZES[pool.vmSize];
    if (size === undefined) throw new Error(`computeQuota: no vCPU count known for ${pool.vmSize}`);
    const vcpus = size.vcpus * pool.count;
    needs['cores'] = (needs['cores'] ?? 0) + vcpus;
    needs[size.family] = (needs[size.family] ?? 0) + vcpus;
  }
  return needs;
}

/**
 * Stamps that fit in every quota the stamp needs; undefined when a quota it needs is not in the
 * list (unknown is not zero: the reconciler then learns from a refused deployment).
 */
export function stampsAllowed(
  usages: readonly ComputeUsage[],
  needs: Readonly<Record<string, number>> = stampComputeNeeds(),
): number | undefined {
  let allowed = Number.POSITIVE_INFINITY;
  for (const [name, need] of Object.entries(needs)) {
    if (need <= 0) continue;
    const usage = usages.find((u) => u.name.toLowerCase() === name.toLowerCase());
    if (usage === undefined) return undefined;
    allowed = Math.min(allowed, Math.floor(Math.max(0, usage.limit - usage.currentValue) / need));
  }
  return Number.isFinite(allowed) ? allowed : undefined;
}

/** The usages list from the API's JSON (`{ value: [{ name: { value }, currentValue, limit }] }`). */
export function parseComputeUsages(body: unknown): { usages: ComputeUsage[]; nextLink?: string } {
  const usages: ComputeUsage[] = [];
  if (typeof body !== 'object' || body === null) return { usages };
  const record = body as { value?: unknown; nextLink?: unknown };
  for (const entry of Array.isArray(record.value) ? record.value : []) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as { name?: { value?: unknown }; currentValue?: unknown; limit?: unknown };
    if (
      typeof e.name?.value !== 'string' ||
      typeof e.currentValue !== 'number' ||
      typeof e.limit !== 'number'
    )
      continue;
    usages.push({ name: e.name.value, currentValue: e.currentValue, limit: e.limit });
  }
  return typeof record.nextLink === 'string' && record.nextLink !== ''
    ? { usages, nextLink: record.nextLink }
    : { usages };
}
