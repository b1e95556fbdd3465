targetScope = 'subscription'

metadata name = 'policy-assignments: idempotency'
metadata description = 'Deploys modules/policy-assignments.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-policy-assignments'
  location: location
}

@batchSize(1)
module testDeployment '../../../stamp/modules/policy-assignments.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-policy-assignments-${iteration}'
    params: {
      name: 'aks-no-privileged-containers'
      location: location
      displayName: 'Kubernetes cluster should not allow privileged containers'
      policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', '95edb821-ddaf-4404-9732-666045e056b4')
    }
  }
]
