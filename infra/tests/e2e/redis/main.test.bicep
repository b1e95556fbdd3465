targetScope = 'subscription'

metadata name = 'redis: idempotency'
metadata description = 'Deploys modules/redis.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

var clusterName = 'redis-${namePrefix}-${uniqueString(subscription().id, location, 'db')}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-redis'
  location: location
}

module cluster '../../../stamp/modules/redis-enterprise.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-redis'
  params: {
    name: clusterName
    location: location
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/redis.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-redis-${iteration}'
    dependsOn: [cluster]
    params: {
      clusterName: clusterName
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
    }
  }
]
