targetScope = 'subscription'

metadata name = 'firewall-policy: idempotency'
metadata description = 'Deploys modules/firewall-policy.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-firewall-policy'
  location: location
}

@batchSize(1)
module testDeployment '../../../stamp/modules/firewall-policy.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-firewall-policy-${iteration}'
    params: {
      name: 'afwp-${namePrefix}-e2e'
      location: location
      ruleCollectionGroups: [
        {
          name: 'egress'
          priority: 200
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
              name: 'allow-aks'
              priority: 100
              action: { type: 'Allow' }
              rules: [
                {
                  ruleType: 'ApplicationRule'
                  name: 'aks-fqdn-tag'
                  sourceAddresses: ['10.1.0.0/16']
                  fqdnTags: ['AzureKubernetesService']
                  protocols: [{ protocolType: 'Https', port: 443 }]
                }
              ]
            }
          ]
        }
      ]
    }
  }
]
