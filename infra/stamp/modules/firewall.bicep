metadata name = 'Azure Firewall'
metadata description = 'An Azure Firewall in a hub network with its own zone-redundant public IP (for egress SNAT and ingress DNAT) and a firewall policy (AVM res/network/azure-firewall interface).'

import { diagnosticSettingFullType, lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the firewall.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Required. Resource ID of the hub network\'s subnet named AzureFirewallSubnet.')
param firewallSubnetResourceId string

@description('Required. Resource ID of the firewall policy.')
param firewallPolicyResourceId string

@description('Optional. The firewall tier; it must match the policy\'s tier.')
param tier ('Basic' | 'Standard' | 'Premium') = 'Standard'

@description('Required. DNS label of the public IP (<label>.<region>.cloudapp.azure.com), the host name Front Door reaches the stamp at.')
param publicIpDnsLabel string

@description('Optional. Availability zones of the firewall and its public IP.')
param availabilityZones string[] = ['1', '2', '3']

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Network Contributor'
  'Reader'
])

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${name}'
  location: location
  tags: tags
  zones: availabilityZones
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
    dnsSettings: {
      domainNameLabel: publicIpDnsLabel
    }
  }
}

resource azureFirewall 'Microsoft.Network/azureFirewalls@2024-05-01' = {
  name: name
  location: location
  tags: tags
  zones: availabilityZones
  properties: {
    sku: {
      name: 'AZFW_VNet'
      tier: tier
    }
    firewallPolicy: {
      id: firewallPolicyResourceId
    }
    ipConfigurations: [
      {
        name: 'ipconfig-${name}'
        properties: {
          subnet: {
            id: firewallSubnetResourceId
          }
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
  }
}

resource azureFirewallDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: azureFirewall
    properties: {
      workspaceId: setting.?workspaceResourceId
      storageAccountId: setting.?storageAccountResourceId
      metrics: [
        for group in (setting.?metricCategories ?? [{ category: 'AllMetrics' }]): {
          category: group.category
          enabled: group.?enabled ?? true
          timeGrain: null
        }
      ]
      logAnalyticsDestinationType: setting.?logAnalyticsDestinationType
      logs: [
        for group in (setting.?logCategoriesAndGroups ?? [{ categoryGroup: 'allLogs' }]): {
          categoryGroup: group.?categoryGroup
          category: group.?category
          enabled: group.?enabled ?? true
        }
      ]
    }
  }
]

resource azureFirewallLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: azureFirewall
  properties: {
    level: lock.?kind ?? 'CanNotDelete'
    notes: lock.?notes ?? (lock.?kind == 'ReadOnly'
      ? 'Cannot delete or modify the resource or its child resources.'
      : 'Cannot delete the resource or its child resources.')
  }
}

var formattedRoleAssignments = [
  for assignment in (roleAssignments ?? []): union(assignment, {
    roleDefinitionId: roleDefinitionIdFor(assignment.roleDefinitionIdOrName, builtInRoleNames, subscription().subscriptionId)
  })
]

resource azureFirewallRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(azureFirewall.id, assignment.principalId, assignment.roleDefinitionId)
    scope: azureFirewall
    properties: {
      roleDefinitionId: assignment.roleDefinitionId
      principalId: assignment.principalId
      principalType: assignment.?principalType
      description: assignment.?description
      condition: assignment.?condition
      conditionVersion: !empty(assignment.?condition) ? (assignment.?conditionVersion ?? '2.0') : null
    }
  }
]

@description('The name of the firewall.')
output name string = azureFirewall.name

@description('The resource ID of the firewall.')
output resourceId string = azureFirewall.id

@description('The resource group the firewall was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = azureFirewall.location

@description('The private IP address of the firewall: the next hop of the spoke\'s default route.')
output privateIpAddress string = azureFirewall.properties.ipConfigurations[0].properties.privateIPAddress

@description('The public IP address of the firewall.')
output publicIpAddress string = publicIp.properties.ipAddress

@description('The fully qualified domain name of the firewall\'s public IP.')
output publicIpFqdn string = publicIp.properties.dnsSettings.fqdn

@description('The resource ID of the firewall\'s public IP.')
output publicIpResourceId string = publicIp.id
