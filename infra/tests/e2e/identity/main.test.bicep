targetScope = 'subscription'

metadata name = 'identity: idempotency'
metadata description = 'Deploys modules/identity.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-identity'
  location: location
}

@batchSize(1)
module testDeployment '../../../stamp/modules/identity.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-identity-${iteration}'
    params: {
      name: 'id-${namePrefix}-e2e'
      location: location
      tags: { purpose: 'e2e' }
    }
  }
]
