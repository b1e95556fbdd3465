targetScope = 'subscription'

metadata name = 'servicebus: idempotency'
metadata description = 'Deploys modules/servicebus.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-servicebus'
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
module testDeployment '../../../stamp/modules/servicebus.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-servicebus-${iteration}'
    params: {
      name: 'sb-${namePrefix}-${uniqueString(subscription().id, location)}'
      location: location
      queues: [{ name: 'commands', requiresSession: true, requiresDuplicateDetection: true }]
      privateEndpoints: [{ subnetResourceId: network.outputs.subnetResourceIds[0] }]
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
    }
  }
]
