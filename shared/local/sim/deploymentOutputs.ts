import type { StampDeploymentOutputs } from '../../ports/deployer';
import type { StampTemplateOutputs } from '../../ports/stampTemplate';
import {
  aksClusterId,
  aksClusterName,
  originHostName,
  resourceGroupId,
  resourceGroupName,
  stampResourceId,
} from './resourceNames';

/**
 * What a finished simulated stamp deployment outputs: every output of the stamp template's
 * contract (shared/ports/stampTemplate.ts), so code that reads them all works on the sim too.
 */
export function simulatedDeploymentOutputs(subscriptionId: string, stampId: string): StampDeploymentOutputs {
  const id = (type: string, name: string): string => stampResourceId(subscriptionId, stampId, type, name);
  const compact = stampId.replace(/-/g, '');
  const outputs = {
    originHostName: originHostName(stampId),
    resourceGroupName: resourceGroupName(stampId),
    resourceGroupId: resourceGroupId(subscriptionId, stampId),
    aksClusterResourceId: aksClusterId(subscriptionId, stampId),
    aksClusterName: aksClusterName(stampId),
    keyVaultResourceId: id('Microsoft.KeyVault/vaults', `kv-${stampId}-sim`),
    containerRegistryResourceId: id('Microsoft.ContainerRegistry/registries', `acrsynaxis${compact}sim`),
    cosmosAccountResourceId: id('Microsoft.DocumentDB/databaseAccounts', `cosmos-synaxis-${stampId}-sim`),
    serviceBusNamespaceResourceId: id('Microsoft.ServiceBus/namespaces', `sb-synaxis-${stampId}-sim`),
    redisResourceId: id('Microsoft.Cache/redisEnterprise', `redis-synaxis-${stampId}-sim`),
    postgresqlServerResourceId: id(
      'Microsoft.DBforPostgreSQL/flexibleServers',
      `psql-synaxis-${stampId}-sim`,
    ),
    publicIpResourceId: id('Microsoft.Network/publicIPAddresses', `pip-afw-${stampId}`),
    workloadIdentityClientId: `sim-workload-identity-${stampId}`,
  } satisfies StampTemplateOutputs;
  return outputs;
}
