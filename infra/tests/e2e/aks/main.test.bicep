targetScope = 'subscription'

metadata name = 'aks: idempotency'
metadata description = 'Deploys modules/aks.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-aks'
  location: location
}

module network '../../../stamp/modules/vnet.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-vnet'
  params: {
    name: 'vnet-${namePrefix}-e2e-aks'
    location: location
    addressPrefixes: ['10.30.0.0/16']
    subnets: [
      { name: 'snet-nodes', addressPrefix: '10.30.0.0/20' }
    ]
    // The test cluster has no firewall: outbound userDefinedRouting needs a route table in a real
    // stamp; here the cluster identity's Network Contributor role on the network is what matters.
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Network Contributor'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module clusterIdentity '../../../stamp/modules/identity.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-id-aks'
  params: {
    name: 'id-${namePrefix}-e2e-aks'
    location: location
  }
}

module kubelet '../../../stamp/modules/identity.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-id-kubelet'
  params: {
    name: 'id-${namePrefix}-e2e-kubelet'
    location: location
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Managed Identity Operator'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/aks.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-aks-${iteration}'
    params: {
      name: 'aks-${namePrefix}-e2e'
      location: location
      nodeSubnetResourceId: network.outputs.subnetResourceIds[0]
      kubeletIdentityResourceId: kubelet.outputs.resourceId
      managedIdentities: { userAssignedResourceIds: [clusterIdentity.outputs.resourceId] }
      logAnalyticsWorkspaceResourceId: logAnalyticsWorkspaceResourceId
      agentPools: [
        { name: 'system', mode: 'System', vmSize: 'Standard_D4s_v3', count: 3 }
        { name: 'user', mode: 'User', vmSize: 'Standard_D8s_v3', count: 2, enableAutoScaling: true, minCount: 2, maxCount: 10 }
      ]
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
    }
  }
]
