metadata name = 'Redis Enterprise cluster (Azure Managed Redis)'
metadata description = 'A Redis Enterprise cluster with no public network access, TLS 1.2 minimum and private endpoints (AVM res/cache/redis-enterprise interface). Its database is modules/redis.bicep.'

import { lockType, managedIdentityAllType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the cluster, globally unique.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The SKU (Azure Managed Redis Balanced/MemoryOptimized/ComputeOptimized, or Enterprise).')
param skuName string = 'Balanced_B5'

@description('Optional. Whether the cluster accepts traffic from public networks. Default Disabled: use private endpoints.')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. Configuration details for private endpoints. Use them with publicNetworkAccess Disabled.')
param privateEndpoints privateEndpointSingleServiceType[]?

@description('Optional. The managed identity definition for this resource.')
param managedIdentities managedIdentityAllType?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Reader'
])

var formattedUserAssignedIdentities = reduce(
  map((managedIdentities.?userAssignedResourceIds ?? []), (id) => { '${id}': {} }),
  {},
  (cur, next) => union(cur, next)
)

var identity = !empty(managedIdentities)
  ? {
      type: (managedIdentities.?systemAssigned ?? false)
        ? (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'SystemAssigned, UserAssigned' : 'SystemAssigned')
        : (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'UserAssigned' : 'None')
      userAssignedIdentities: !empty(formattedUserAssignedIdentities) ? formattedUserAssignedIdentities : null
    }
  : null

resource redisCluster 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: name
  location: location
  tags: tags
  identity: identity
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2' // the highest Redis Enterprise offers
    publicNetworkAccess: publicNetworkAccess
    highAvailability: 'Enabled'
  }
}

module redisClusterPrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-redisEnterprise-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: redisCluster.id
      resourceName: name
      defaultService: 'redisEnterprise'
      index: index
      location: location
      tags: tags
    }
  }
]

resource redisClusterLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: redisCluster
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

resource redisClusterRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(redisCluster.id, assignment.principalId, assignment.roleDefinitionId)
    scope: redisCluster
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

@description('The name of the cluster.')
output name string = redisCluster.name

@description('The resource ID of the cluster.')
output resourceId string = redisCluster.id

@description('The resource group the cluster was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = redisCluster.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = redisCluster.?identity.?principalId

@description('The host name clients connect to.')
output hostName string = redisCluster.properties.hostName

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: redisClusterPrivateEndpoints[index].outputs.name
    resourceId: redisClusterPrivateEndpoints[index].outputs.resourceId
  }
]
