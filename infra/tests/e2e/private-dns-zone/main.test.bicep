targetScope = 'subscription'

metadata name = 'private-dns-zone: idempotency'
metadata description = 'Deploys modules/private-dns-zone.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-private-dns-zone'
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
module testDeployment '../../../stamp/modules/private-dns-zone.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-private-dns-zone-${iteration}'
    params: {
      name: 'privatelink.vaultcore.azure.net'
      virtualNetworkLinks: [{ virtualNetworkResourceId: network.outputs.resourceId }]
    }
  }
]
