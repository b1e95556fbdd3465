targetScope = 'subscription'

metadata name = 'nsg: idempotency'
metadata description = 'Deploys modules/nsg.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-nsg'
  location: location
}

@batchSize(1)
module testDeployment '../../../stamp/modules/nsg.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-nsg-${iteration}'
    params: {
      name: 'nsg-${namePrefix}-e2e'
      location: location
      securityRules: [
        {
          name: 'deny-all-inbound'
          properties: {
            access: 'Deny'
            direction: 'Inbound'
            priority: 4096
            protocol: '*'
          }
        }
      ]
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
      lock: { kind: 'None' }
      tags: { purpose: 'e2e' }
    }
  }
]
