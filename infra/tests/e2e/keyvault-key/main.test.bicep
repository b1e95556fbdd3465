targetScope = 'subscription'

metadata name = 'keyvault-key: idempotency'
metadata description = 'Deploys modules/keyvault-key.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

var keyVaultName = 'kv-${namePrefix}-${take(uniqueString(subscription().id, location, 'key'), 6)}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-keyvault-key'
  location: location
}

module vault '../../../stamp/modules/keyvault.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-kv'
  params: {
    name: keyVaultName
    location: location
    publicNetworkAccess: 'Enabled' // the test deploys the key through the management plane only
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/keyvault-key.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-keyvault-key-${iteration}'
    dependsOn: [vault]
    params: {
      keyVaultName: keyVaultName
      name: 'key-e2e'
    }
  }
]
