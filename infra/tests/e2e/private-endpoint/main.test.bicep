targetScope = 'subscription'

metadata name = 'private-endpoint: idempotency'
metadata description = 'Deploys modules/private-endpoint.bicep twice with the same inputs (init, idem) to a Key Vault, registered in its private DNS zone; the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

var vaultName = 'kv-${namePrefix}-${take(uniqueString(subscription().id, location), 6)}'
var vnetName = 'vnet-${namePrefix}-e2e'
var zoneName = 'privatelink.vaultcore.azure.net'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-private-endpoint'
  location: location
}

module network '../../../stamp/modules/vnet.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-vnet'
  params: {
    name: vnetName
    location: location
    addressPrefixes: ['10.20.0.0/24']
    subnets: [
      { name: 'snet-private-endpoints', addressPrefix: '10.20.0.0/26' }
    ]
  }
}

module zone '../../../stamp/modules/private-dns-zone.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-zone'
  params: {
    name: zoneName
    virtualNetworkLinks: [{ virtualNetworkResourceId: network.outputs.resourceId }]
  }
}

module vault '../../../stamp/modules/keyvault.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-vault'
  params: {
    name: vaultName
    location: location
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/private-endpoint.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-private-endpoint-${iteration}'
    params: {
      // Ids built from names, not module outputs: the endpoint names resources, so its values must
      // be known when the deployment starts (what-if).
      endpoint: {
        subnetResourceId: resourceId(
          subscription().subscriptionId,
          resourceGroup.name,
          'Microsoft.Network/virtualNetworks/subnets',
          vnetName,
          'snet-private-endpoints'
        )
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [
            {
              privateDnsZoneResourceId: resourceId(
                subscription().subscriptionId,
                resourceGroup.name,
                'Microsoft.Network/privateDnsZones',
                zoneName
              )
            }
          ]
        }
      }
      privateLinkServiceId: vault.outputs.resourceId
      resourceName: vaultName
      defaultService: 'vault'
      index: 0
      location: location
    }
    dependsOn: [network, zone]
  }
]
