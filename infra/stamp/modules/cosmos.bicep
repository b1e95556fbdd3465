metadata name = 'Cosmos DB account (NoSQL)'
metadata description = 'A multi-region Cosmos DB for NoSQL account with local (key) auth disabled, SQL databases and containers, data-plane RBAC and private endpoints (AVM res/document-db/database-account interface).'

import { diagnosticSettingFullType, lockType, managedIdentityAllType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the account: 3-44 lowercase letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(44)
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The regions of the account, in failover order. Defaults to the resource\'s location alone.')
param failoverLocations failoverLocationType[]?

@description('Optional. Whether the account accepts traffic from public networks. Default Disabled: use private endpoints.')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. The default consistency level.')
param defaultConsistencyLevel ('Eventual' | 'ConsistentPrefix' | 'Session' | 'BoundedStaleness' | 'Strong') = 'Session'

@description('Optional. Serverless capacity mode (single region only) instead of provisioned throughput.')
param serverless bool = false

@description('Optional. SQL databases and their containers.')
param sqlDatabases sqlDatabaseType[]?

@description('Optional. Data-plane role assignments (Cosmos DB built-in or custom SQL roles). Use these, not keys.')
param sqlRoleAssignments sqlRoleAssignmentType[]?

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

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

@export()
@description('A region of the account.')
type failoverLocationType = {
  @description('Required. The region name.')
  locationName: string

  @description('Optional. Zone redundancy in the region. Default true.')
  isZoneRedundant: bool?
}

@export()
@description('A container of a SQL database.')
type sqlContainerType = {
  @description('Required. The name of the container.')
  name: string

  @description('Required. The partition key path, e.g. /id.')
  partitionKeyPath: string

  @description('Optional. Default time to live in seconds; -1 turns TTL on without a default expiry.')
  defaultTtl: int?
}

@export()
@description('A SQL database with its containers.')
type sqlDatabaseType = {
  @description('Required. The name of the database.')
  name: string

  @description('Optional. Autoscale maximum throughput (RU/s) shared by the database. Default 1000.')
  autoscaleMaxThroughput: int?

  @description('Optional. The containers of the database.')
  containers: sqlContainerType[]?
}

@export()
@description('A Cosmos DB data-plane role assignment.')
type sqlRoleAssignmentType = {
  @description('Required. The principal (object) ID to assign the role to.')
  principalId: string

  @description('Required. The SQL role definition GUID (cosmosDbSqlRoles in infra/roles/roles.bicep).')
  roleDefinitionId: string

  @description('Optional. The scope below the account, e.g. /dbs/stamps. Default: the whole account.')
  scope: string?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Cosmos DB Account Reader Role'
  'Cosmos DB Operator'
  'DocumentDB Account Contributor'
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
        ? (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'SystemAssigned,UserAssigned' : 'SystemAssigned')
        : (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'UserAssigned' : 'None')
      userAssignedIdentities: !empty(formattedUserAssignedIdentities) ? formattedUserAssignedIdentities : null
    }
  : null

resource databaseAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  identity: identity
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      for (failover, index) in (failoverLocations ?? [{ locationName: location, isZoneRedundant: true }]): {
        locationName: failover.locationName
        failoverPriority: index
        isZoneRedundant: failover.?isZoneRedundant ?? true
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: defaultConsistencyLevel
    }
    enableAutomaticFailover: true
    enableMultipleWriteLocations: false
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    publicNetworkAccess: publicNetworkAccess
    isVirtualNetworkFilterEnabled: false
    networkAclBypass: 'None'
    minimalTlsVersion: 'Tls12'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
  }
}

resource sqlDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = [
  for database in (sqlDatabases ?? []): {
    name: database.name
    parent: databaseAccount
    properties: {
      resource: {
        id: database.name
      }
      options: serverless ? {} : { autoscaleSettings: { maxThroughput: database.?autoscaleMaxThroughput ?? 1000 } }
    }
  }
]

// One flat list, so that containers need no nested loop: each item remembers its database's index.
var containers = flatten(map(
  range(0, length(sqlDatabases ?? [])),
  databaseIndex => map((sqlDatabases ?? [])[databaseIndex].?containers ?? [], item => union(item, { databaseIndex: databaseIndex }))
))

resource sqlContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for item in containers: {
    name: item.name
    parent: sqlDatabase[item.databaseIndex]
    properties: {
      resource: {
        id: item.name
        partitionKey: {
          paths: [item.partitionKeyPath]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: item.?defaultTtl
      }
    }
  }
]

resource sqlRoleAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for assignment in (sqlRoleAssignments ?? []): {
    name: guid(databaseAccount.id, assignment.principalId, assignment.roleDefinitionId, assignment.?scope ?? '/')
    parent: databaseAccount
    properties: {
      principalId: assignment.principalId
      roleDefinitionId: '${databaseAccount.id}/sqlRoleDefinitions/${assignment.roleDefinitionId}'
      scope: '${databaseAccount.id}${assignment.?scope ?? ''}'
    }
    dependsOn: [sqlDatabase, sqlContainer]
  }
]

resource databaseAccountDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: databaseAccount
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

module databaseAccountPrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-Sql-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: databaseAccount.id
      resourceName: name
      defaultService: 'Sql'
      index: index
      location: location
      tags: tags
    }
  }
]

resource databaseAccountLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: databaseAccount
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

resource databaseAccountRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(databaseAccount.id, assignment.principalId, assignment.roleDefinitionId)
    scope: databaseAccount
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

@description('The name of the account.')
output name string = databaseAccount.name

@description('The resource ID of the account.')
output resourceId string = databaseAccount.id

@description('The resource group the account was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = databaseAccount.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = databaseAccount.?identity.?principalId

@description('The document endpoint of the account.')
output endpoint string = databaseAccount.properties.documentEndpoint

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: databaseAccountPrivateEndpoints[index].outputs.name
    resourceId: databaseAccountPrivateEndpoints[index].outputs.resourceId
  }
]
