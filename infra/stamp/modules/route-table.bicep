metadata name = 'Route table'
metadata description = 'A route table (AVM res/network/route-table interface). The stamp sends all egress of its spoke through Azure Firewall with it.'

import { lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the route table.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The routes of the table.')
param routes routeType[]?

@description('Optional. Switch to disable BGP route propagation, so that the default route cannot be overridden from on-premises.')
param disableBgpRoutePropagation bool = true

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A route.')
type routeType = {
  @description('Required. The name of the route.')
  name: string

  @description('Required. The properties of the route.')
  properties: {
    @description('Required. The destination CIDR to which the route applies.')
    addressPrefix: string

    @description('Required. The type of Azure hop the packet should be sent to.')
    nextHopType: ('VirtualAppliance' | 'VirtualNetworkGateway' | 'Internet' | 'VnetLocal' | 'None')

    @description('Optional. The IP address packets should be forwarded to (VirtualAppliance only).')
    nextHopIpAddress: string?
  }
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Network Contributor'
  'Reader'
])

resource routeTable 'Microsoft.Network/routeTables@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    disableBgpRoutePropagation: disableBgpRoutePropagation
    routes: [
      for route in (routes ?? []): {
        name: route.name
        properties: {
          addressPrefix: route.properties.addressPrefix
          nextHopType: route.properties.nextHopType
          nextHopIpAddress: route.properties.?nextHopIpAddress
        }
      }
    ]
  }
}

resource routeTableLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: routeTable
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

resource routeTableRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(routeTable.id, assignment.principalId, assignment.roleDefinitionId)
    scope: routeTable
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

@description('The name of the route table.')
output name string = routeTable.name

@description('The resource ID of the route table.')
output resourceId string = routeTable.id

@description('The resource group the route table was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = routeTable.location
