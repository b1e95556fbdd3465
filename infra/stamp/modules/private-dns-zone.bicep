metadata name = 'Private DNS zone'
metadata description = 'A private DNS zone linked to virtual networks (AVM res/network/private-dns-zone interface). Private endpoints register their records in it.'

import { lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. The zone name, e.g. privatelink.vaultcore.azure.net.')
param name string

@description('Optional. The virtual networks to link the zone to.')
param virtualNetworkLinks virtualNetworkLinkType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A link from the zone to a virtual network.')
type virtualNetworkLinkType = {
  @description('Optional. The name of the link. Defaults to the virtual network\'s name.')
  name: string?

  @description('Required. The resource ID of the virtual network to link.')
  virtualNetworkResourceId: string

  @description('Optional. Auto-register VM records in the zone. Default false.')
  registrationEnabled: bool?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Private DNS Zone Contributor'
  'Reader'
])

resource privateDnsZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: name
  location: 'global'
  tags: tags
}

resource privateDnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for link in (virtualNetworkLinks ?? []): {
    name: link.?name ?? last(split(link.virtualNetworkResourceId, '/'))
    parent: privateDnsZone
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: link.?registrationEnabled ?? false
      virtualNetwork: {
        id: link.virtualNetworkResourceId
      }
    }
  }
]

resource privateDnsZoneLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: privateDnsZone
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

resource privateDnsZoneRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(privateDnsZone.id, assignment.principalId, assignment.roleDefinitionId)
    scope: privateDnsZone
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

@description('The name of the private DNS zone.')
output name string = privateDnsZone.name

@description('The resource ID of the private DNS zone.')
output resourceId string = privateDnsZone.id

@description('The resource group the private DNS zone was deployed into.')
output resourceGroupName string = resourceGroup().name
