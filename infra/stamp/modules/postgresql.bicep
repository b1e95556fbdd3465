metadata name = 'PostgreSQL Flexible Server'
metadata description = 'A PostgreSQL Flexible Server with Microsoft Entra authentication only (no password), TLS 1.3 minimum, no public network access, private endpoints and zone-redundant high availability (AVM res/db-for-postgre-sql/flexible-server interface).'

import { diagnosticSettingFullType, lockType, managedIdentityOnlyUserAssignedType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the server, globally unique.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The PostgreSQL major version.')
param version ('14' | '15' | '16' | '17') = '16'

@description('Optional. The compute SKU name.')
param skuName string = 'Standard_D2ds_v5'

@description('Optional. The compute tier.')
param tier ('Burstable' | 'GeneralPurpose' | 'MemoryOptimized') = 'GeneralPurpose'

@description('Optional. Storage size in GB.')
param storageSizeGB int = 128

@description('Optional. High availability mode.')
param highAvailability ('Disabled' | 'SameZone' | 'ZoneRedundant') = 'ZoneRedundant'

@description('Optional. Whether the server accepts traffic from public networks. Default Disabled: use private endpoints.')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. The Microsoft Entra administrators of the server.')
param administrators administratorType[]?

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. Configuration details for private endpoints. Use them with publicNetworkAccess Disabled.')
param privateEndpoints privateEndpointSingleServiceType[]?

@description('Optional. The managed identity definition for this resource.')
param managedIdentities managedIdentityOnlyUserAssignedType?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A Microsoft Entra administrator of the server.')
type administratorType = {
  @description('Required. The object ID of the principal.')
  objectId: string

  @description('Required. The display name of the principal.')
  principalName: string

  @description('Required. The type of the principal.')
  principalType: ('Group' | 'ServicePrincipal' | 'User')
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Reader'
])

var formattedUserAssignedIdentities = reduce(
  map((managedIdentities.?userAssignedResourceIds ?? []), (id) => { '${id}': {} }),
  {},
  (cur, next) => union(cur, next)
)

var identity = !empty(formattedUserAssignedIdentities)
  ? {
      type: 'UserAssigned'
      userAssignedIdentities: formattedUserAssignedIdentities
    }
  : null

resource flexibleServer 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  identity: identity
  sku: {
    name: skuName
    tier: tier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled' // no administrator password exists to leak
      tenantId: subscription().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Enabled'
    }
    highAvailability: {
      mode: highAvailability
    }
    network: {
      publicNetworkAccess: publicNetworkAccess
    }
  }
}

// TLS: the server refuses anything below TLS 1.3 and any unencrypted connection.
resource sslMinProtocolVersion 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: 'ssl_min_protocol_version'
  parent: flexibleServer
  properties: {
    value: 'TLSv1.3'
    source: 'user-override'
  }
}

resource requireSecureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: 'require_secure_transport'
  parent: flexibleServer
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [sslMinProtocolVersion] // configuration writes on one server must not overlap
}

@batchSize(1)
resource flexibleServerAdministrators 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = [
  for administrator in (administrators ?? []): {
    name: administrator.objectId
    parent: flexibleServer
    properties: {
      principalType: administrator.principalType
      principalName: administrator.principalName
      tenantId: subscription().tenantId
    }
    dependsOn: [requireSecureTransport]
  }
]

resource flexibleServerDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: flexibleServer
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

module flexibleServerPrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-postgresqlServer-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: flexibleServer.id
      resourceName: name
      defaultService: 'postgresqlServer'
      index: index
      location: location
      tags: tags
    }
  }
]

resource flexibleServerLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: flexibleServer
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

resource flexibleServerRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(flexibleServer.id, assignment.principalId, assignment.roleDefinitionId)
    scope: flexibleServer
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

@description('The name of the server.')
output name string = flexibleServer.name

@description('The resource ID of the server.')
output resourceId string = flexibleServer.id

@description('The resource group the server was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = flexibleServer.location

@description('The fully qualified domain name of the server.')
output fqdn string = flexibleServer.properties.fullyQualifiedDomainName

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: flexibleServerPrivateEndpoints[index].outputs.name
    resourceId: flexibleServerPrivateEndpoints[index].outputs.resourceId
  }
]
