metadata name = 'Redis database'
metadata description = 'The database of a Redis Enterprise cluster (the stamp\'s cache and rate-limit store): encrypted client protocol, access keys disabled (Entra ID only), with diagnostics (AVM res/cache/redis-enterprise database interface).'

import { diagnosticSettingFullType, lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. The name of the parent Redis Enterprise cluster.')
param clusterName string

@description('Optional. The name of the database. Redis Enterprise clusters have one, named default.')
param name string = 'default'

@description('Optional. The clustering policy.')
param clusteringPolicy ('EnterpriseCluster' | 'OSSCluster') = 'OSSCluster'

@description('Optional. The eviction policy when memory is full.')
param evictionPolicy ('AllKeysLFU' | 'AllKeysLRU' | 'AllKeysRandom' | 'NoEviction' | 'VolatileLFU' | 'VolatileLRU' | 'VolatileRandom' | 'VolatileTTL') = 'VolatileLRU'

@description('Optional. Redis modules to load, e.g. RedisBloom for rate limiting.')
param modules string[] = ['RedisBloom']

@description('Optional. The access policy assignments (Entra ID principals allowed to connect).')
param accessPolicyAssignments accessPolicyAssignmentType[]?

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@export()
@description('An Entra ID principal allowed to use the database.')
type accessPolicyAssignmentType = {
  @description('Optional. The name of the assignment (alphanumerics). Default: derived from the object ID.')
  name: string?

  @description('Required. The object (principal) ID of the user, group or identity.')
  objectId: string
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Reader'
])

resource redisCluster 'Microsoft.Cache/redisEnterprise@2025-07-01' existing = {
  name: clusterName
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  name: name
  parent: redisCluster
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: clusteringPolicy
    evictionPolicy: evictionPolicy
    accessKeysAuthentication: 'Disabled'
    modules: [for module in modules: { name: module }]
  }
}

resource accessPolicyAssignment 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01' = [
  for assignment in (accessPolicyAssignments ?? []): {
    name: assignment.?name ?? take(replace(guid(database.id, assignment.objectId), '-', ''), 60)
    parent: database
    properties: {
      accessPolicyName: 'default'
      user: {
        objectId: assignment.objectId
      }
    }
  }
]

resource databaseDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: database
    properties: {
      workspaceId: setting.?workspaceResourceId
      storageAccountId: setting.?storageAccountResourceId
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

resource databaseLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: database
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

resource databaseRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(database.id, assignment.principalId, assignment.roleDefinitionId)
    scope: database
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

@description('The name of the database.')
output name string = database.name

@description('The resource ID of the database.')
output resourceId string = database.id

@description('The port clients connect to.')
output port int = database.properties.port

@description('The resource group the database was deployed into.')
output resourceGroupName string = resourceGroup().name
