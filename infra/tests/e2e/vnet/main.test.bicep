targetScope = 'subscription'

metadata name = 'vnet: idempotency'
metadata description = 'Deploys modules/vnet.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-vnet'
  location: location
}

module network '../../../stamp/modules/vnet.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-vnet'
  params: {
    name: 'vnet-${namePrefix}-e2e'
    location: location
    addressPrefixes: ['10.20.0.0/24']
    subnets: [
      { name: 'snet-private-endpoints', addressPrefix: '10.20.0.0/26' }
    ]
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/vnet.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-vnet-${iteration}'
    params: {
      name: 'vnet-${namePrefix}-e2e-spoke'
      location: location
      addressPrefixes: ['10.21.0.0/24']
      subnets: [
        { name: 'snet-a', addressPrefix: '10.21.0.0/26' }
      ]
      peerings: [{ remoteVirtualNetworkResourceId: network.outputs.resourceId, remotePeeringEnabled: true }]
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
    }
  }
]
