targetScope = 'subscription'

metadata name = 'route-table: idempotency'
metadata description = 'Deploys modules/route-table.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-route-table'
  location: location
}

@batchSize(1)
module testDeployment '../../../stamp/modules/route-table.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-route-table-${iteration}'
    params: {
      name: 'rt-${namePrefix}-e2e'
      location: location
      routes: [
        {
          name: 'default-via-firewall'
          properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' }
        }
      ]
    }
  }
]
