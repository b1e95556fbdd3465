import { aksClusterName, stampResourceGroup } from '../../lifecycle/stampNames';

/**
 * Where a stamp's resources are, by the stamp template's names (infra/stamp/main.bicep): the
 * resource group `rg-synaxis-stamp-{id}`, the cluster `aks-synaxis-{id}`, and the GitOps (Flux)
 * configuration `stamp-apps` that installs the workloads.
 */
export const FLUX_CONFIGURATION = 'stamp-apps';

export interface StampResources {
  readonly resourceGroup: string;
  readonly clusterName: string;
  readonly clusterId: string;
}

export function stampResources(subscriptionId: string, stampId: string): StampResources {
  const resourceGroup = stampResourceGroup(stampId);
  const clusterName = aksClusterName(stampId);
  return {
    resourceGroup,
    clusterName,
    clusterId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${clusterName}`,
  };
}

export function frontDoorProfileId(subscriptionId: string, resourceGroup: string, profile: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Cdn/profiles/${profile}`;
}
