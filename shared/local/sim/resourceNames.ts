/**
 * Names and resource IDs of the simulated resources, following the stamp template
 * (infra/stamp/main.bicep) and the global resources (infra/global/main.bicep), so that what
 * the simulation reports looks like what Azure would.
 */
import { aksClusterName, stampResourceGroup } from '../../lifecycle/stampNames';

export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
/** The environment the local global resources are named for. */
const ENVIRONMENT = 'local';

export const FRONT_DOOR_PROFILE = `afd-synaxis-${ENVIRONMENT}`;
export const FRONT_DOOR_ORIGIN_GROUP = 'stamps';
const GLOBAL_RESOURCE_GROUP = `rg-synaxis-global-${ENVIRONMENT}`;

export { aksClusterName, stampResourceGroup as resourceGroupName } from '../../lifecycle/stampNames';

export function originHostName(stampId: string): string {
  return `${stampId}.stamps.synaxis.example`;
}

export function resourceGroupId(subscriptionId: string, stampId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${stampResourceGroup(stampId)}`;
}

/** A resource inside the stamp's resource group, e.g. `Microsoft.KeyVault/vaults`, `kv-weu-001`. */
export function stampResourceId(subscriptionId: string, stampId: string, type: string, name: string): string {
  return `${resourceGroupId(subscriptionId, stampId)}/providers/${type}/${name}`;
}

export function aksClusterId(subscriptionId: string, stampId: string): string {
  return stampResourceId(
    subscriptionId,
    stampId,
    'Microsoft.ContainerService/managedClusters',
    aksClusterName(stampId),
  );
}

export function frontDoorProfileId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${GLOBAL_RESOURCE_GROUP}/providers/Microsoft.Cdn/profiles/${FRONT_DOOR_PROFILE}`;
}
