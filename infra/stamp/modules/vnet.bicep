metadata name = 'Virtual network'
metadata description = 'A virtual network with subnets and peerings (AVM res/network/virtual-network interface). The stamp deploys it twice: the hub (firewall) and the spoke (AKS, ingress, private endpoints).'

import { diagnosticSettingFullType, lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the virtual network.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Required. The address space of the virtual network, as CIDR blocks.')
param addressPrefixes string[]

@description('Optional. The subnets of the virtual network.')
param subnets subnetType[]?

@description('Optional. Peerings to other virtual networks in the same resource group; with remotePeeringEnabled the reverse peering is created too.')
param peerings peeringType[]?

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A subnet.')
type subnetType = {
  @description('Required. The name of the subnet.')
  name: string

  @description('Required. The address prefix of the subnet.')
  addressPrefix: string

  @description('Optional. The network security group to associate.')
  networkSecurityGroupResourceId: string?

  @description('Optional. The route table to associate.')
  routeTableResourceId: string?

  @description('Optional. Network policies for private endpoints in the subnet. Default Enabled, so NSGs and UDRs apply to them.')
  privateEndpointNetworkPolicies: ('Disabled' | 'Enabled' | 'NetworkSecurityGroupEnabled' | 'RouteTableEnabled')?

  @description('Optional. Service names to delegate the subnet to.')
  delegations: string[]?
}

@export()
@description('A peering to another virtual network in the same resource group.')
type peeringType = {
  @description('Optional. The name of the local peering.')
  name: string?

  @description('Required. The resource ID of the remote virtual network (same resource group).')
  remoteVirtualNetworkResourceId: string

  @description('Optional. Allow traffic forwarded by a network virtual appliance (the hub\'s firewall). Default true.')
  allowForwardedTraffic: bool?

  @description('Optional. Also create the peering from the remote network back to this one. Default false.')
  remotePeeringEnabled: bool?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Network Contributor'
  'Reader'
])

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: addressPrefixes
    }
    subnets: [
      for subnet in (subnets ?? []): {
        name: subnet.name
        properties: {
          addressPrefix: subnet.addressPrefix
          networkSecurityGroup: !empty(subnet.?networkSecurityGroupResourceId) ? { id: subnet.?networkSecurityGroupResourceId! } : null
          routeTable: !empty(subnet.?routeTableResourceId) ? { id: subnet.?routeTableResourceId! } : null
          privateEndpointNetworkPolicies: subnet.?privateEndpointNetworkPolicies ?? 'Enabled'
          defaultOutboundAccess: false
          delegations: map(subnet.?delegations ?? [], delegation => { name: delegation, properties: { serviceName: delegation } })
        }
      }
    ]
  }
}

resource remoteVirtualNetworks 'Microsoft.Network/virtualNetworks@2024-05-01' existing = [
  for peering in (peerings ?? []): {
    name: last(split(peering.remoteVirtualNetworkResourceId, '/'))
  }
]

resource localPeerings 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = [
  for peering in (peerings ?? []): {
    name: peering.?name ?? '${name}-to-${last(split(peering.remoteVirtualNetworkResourceId, '/'))}'
    parent: virtualNetwork
    properties: {
      allowVirtualNetworkAccess: true
      allowForwardedTraffic: peering.?allowForwardedTraffic ?? true
      allowGatewayTransit: false
      useRemoteGateways: false
      remoteVirtualNetwork: {
        id: peering.remoteVirtualNetworkResourceId
      }
    }
  }
]

resource remotePeerings 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = [
  for (peering, index) in (peerings ?? []): if (peering.?remotePeeringEnabled ?? false) {
    name: '${last(split(peering.remoteVirtualNetworkResourceId, '/'))}-to-${name}'
    parent: remoteVirtualNetworks[index]
    properties: {
      allowVirtualNetworkAccess: true
      allowForwardedTraffic: peering.?allowForwardedTraffic ?? true
      allowGatewayTransit: false
      useRemoteGateways: false
      remoteVirtualNetwork: {
        id: virtualNetwork.id
      }
    }
    dependsOn: [localPeerings[index]]
  }
]

resource virtualNetworkDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: virtualNetwork
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

resource virtualNetworkLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: virtualNetwork
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

resource virtualNetworkRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(virtualNetwork.id, assignment.principalId, assignment.roleDefinitionId)
    scope: virtualNetwork
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

@description('The name of the virtual network.')
output name string = virtualNetwork.name

@description('The resource ID of the virtual network.')
output resourceId string = virtualNetwork.id

@description('The names of the subnets, in the order given.')
output subnetNames string[] = [for subnet in (subnets ?? []): subnet.name]

@description('The resource IDs of the subnets, in the order given.')
output subnetResourceIds string[] = [
  for subnet in (subnets ?? []): resourceId('Microsoft.Network/virtualNetworks/subnets', name, subnet.name)
]

@description('The resource group the virtual network was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = virtualNetwork.location
