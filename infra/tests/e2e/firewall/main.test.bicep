targetScope = 'subscription'

metadata name = 'firewall: idempotency'
metadata description = 'Deploys modules/firewall.bicep twice with the same inputs (init, idem); the second run must change nothing.'

@description('Optional. Location for all resources.')
param location string = deployment().location

@description('Optional. A short token to make resource names unique.')
param namePrefix string = 'syntst'

@description('Optional. The Log Analytics workspace the diagnostics go to (the global workspace in a real deployment).')
param logAnalyticsWorkspaceResourceId string = '${subscription().id}/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-global'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namePrefix}-e2e-firewall'
  location: location
}

module network '../../../stamp/modules/vnet.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-vnet'
  params: {
    name: 'vnet-${namePrefix}-e2e-hub'
    location: location
    addressPrefixes: ['10.20.0.0/24']
    subnets: [
      { name: 'AzureFirewallSubnet', addressPrefix: '10.20.0.0/26' }
    ]
  }
}

module policy '../../../stamp/modules/firewall-policy.bicep' = {
  scope: resourceGroup
  name: '${uniqueString(deployment().name, location)}-test-dependencies-policy'
  params: {
    name: 'afwp-${namePrefix}-e2e'
    location: location
  }
}

@batchSize(1)
module testDeployment '../../../stamp/modules/firewall.bicep' = [
  for iteration in ['init', 'idem']: {
    scope: resourceGroup
    name: '${uniqueString(deployment().name, location)}-test-firewall-${iteration}'
    params: {
      name: 'afw-${namePrefix}-e2e'
      location: location
      firewallSubnetResourceId: network.outputs.subnetResourceIds[0]
      firewallPolicyResourceId: policy.outputs.resourceId
      publicIpDnsLabel: 'afw-${namePrefix}-${uniqueString(subscription().id, location)}'
      diagnosticSettings: [{ workspaceResourceId: logAnalyticsWorkspaceResourceId }]
    }
  }
]
