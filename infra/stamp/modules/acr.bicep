metadata name = 'Container registry'
metadata description = 'A Premium container registry with geo-replications, no admin user, no anonymous pull, no public network access and private endpoints (AVM res/container-registry/registry interface).'

import { diagnosticSettingFullType, lockType, managedIdentityAllType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the container registry: 5-50 alphanumerics, globally unique.')
@minLength(5)
@maxLength(50)
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Regions to geo-replicate the registry to (besides its home region).')
param replicationLocations string[]?

@description('Optional. Whether the registry accepts traffic from public networks. Default Disabled: use private endpoints.')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. Zone redundancy of the registry and its replicas.')
param zoneRedundancy ('Enabled' | 'Disabled') = 'Enabled'

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

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'AcrPull'
  'AcrPush'
  'Container Registry Repository Reader'
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

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  identity: identity
  sku: {
    name: 'Premium' // geo-replication and private endpoints need Premium
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    dataEndpointEnabled: true
    publicNetworkAccess: publicNetworkAccess
    networkRuleBypassOptions: 'AzureServices'
    networkRuleSet: {
      defaultAction: 'Deny'
    }
    zoneRedundancy: zoneRedundancy
    policies: {
      exportPolicy: {
        status: 'disabled'
      }
      retentionPolicy: {
        days: 30
        status: 'enabled'
      }
      trustPolicy: {
        type: 'Notary'
        status: 'disabled'
      }
    }
  }
}

resource replications 'Microsoft.ContainerRegistry/registries/replications@2025-04-01' = [
  for replicaLocation in (replicationLocations ?? []): {
    name: replicaLocation
    parent: registry
    location: replicaLocation
    tags: tags
    properties: {
      regionEndpointEnabled: true
      zoneRedundancy: zoneRedundancy
    }
  }
]

resource registryDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: registry
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

module registryPrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-registry-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: registry.id
      resourceName: name
      defaultService: 'registry'
      index: index
      location: location
      tags: tags
    }
  }
]

resource registryLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: registry
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

resource registryRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(registry.id, assignment.principalId, assignment.roleDefinitionId)
    scope: registry
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

@description('The name of the container registry.')
output name string = registry.name

@description('The resource ID of the container registry.')
output resourceId string = registry.id

@description('The resource group the container registry was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = registry.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = registry.?identity.?principalId

@description('The login server of the registry.')
output loginServer string = registry.properties.loginServer

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: registryPrivateEndpoints[index].outputs.name
    resourceId: registryPrivateEndpoints[index].outputs.resourceId
  }
]
