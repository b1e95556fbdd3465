metadata name = 'Service Bus namespace'
metadata description = 'A Service Bus namespace (Premium by default) with local (SAS) auth disabled, no public network access, private endpoints and queues (AVM res/service-bus/namespace interface).'

import { diagnosticSettingFullType, lockType, managedIdentityAllType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the namespace: 6-50 letters, digits and hyphens, globally unique.')
@minLength(6)
@maxLength(50)
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The SKU. Premium is needed for private endpoints and isolation; Standard suffices for the control plane\'s queue.')
param skuName ('Standard' | 'Premium') = 'Premium'

@description('Optional. Messaging units (Premium only).')
@allowed([
  1
  2
  4
  8
  16
])
param skuCapacity int = 1

@description('Optional. Whether the namespace accepts traffic from public networks. Default Disabled: use private endpoints (Premium).')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. Spread the namespace across availability zones (Premium).')
param zoneRedundant bool = true

@description('Optional. The queues of the namespace.')
param queues queueType[]?

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
@description('A queue.')
type queueType = {
  @description('Required. The name of the queue.')
  name: string

  @description('Optional. Sessions (ordered, one consumer per session id). Default false.')
  requiresSession: bool?

  @description('Optional. Drop messages whose MessageId was seen within the history window. Default false.')
  requiresDuplicateDetection: bool?

  @description('Optional. The duplicate detection window (ISO 8601). Default PT10M.')
  duplicateDetectionHistoryTimeWindow: string?

  @description('Optional. Deliveries before a message is dead-lettered. Default 10.')
  @minValue(1)
  maxDeliveryCount: int?

  @description('Optional. The peek-lock duration (ISO 8601). Default PT1M.')
  lockDuration: string?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Azure Service Bus Data Owner'
  'Azure Service Bus Data Receiver'
  'Azure Service Bus Data Sender'
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

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  identity: identity
  sku: {
    name: skuName
    tier: skuName
    capacity: skuName == 'Premium' ? skuCapacity : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2' // the highest this API offers
    publicNetworkAccess: publicNetworkAccess
    zoneRedundant: skuName == 'Premium' ? zoneRedundant : null
  }
}

resource namespaceNetworkRules 'Microsoft.ServiceBus/namespaces/networkRuleSets@2024-01-01' = if (skuName == 'Premium') {
  name: 'default'
  parent: namespace
  properties: {
    defaultAction: 'Deny'
    publicNetworkAccess: publicNetworkAccess
    trustedServiceAccessEnabled: true
    ipRules: []
    virtualNetworkRules: []
  }
}

resource namespaceQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in (queues ?? []): {
    name: queue.name
    parent: namespace
    properties: {
      requiresSession: queue.?requiresSession ?? false
      requiresDuplicateDetection: queue.?requiresDuplicateDetection ?? false
      duplicateDetectionHistoryTimeWindow: (queue.?requiresDuplicateDetection ?? false)
        ? (queue.?duplicateDetectionHistoryTimeWindow ?? 'PT10M')
        : null
      maxDeliveryCount: queue.?maxDeliveryCount ?? 10
      lockDuration: queue.?lockDuration ?? 'PT1M'
      deadLetteringOnMessageExpiration: true
      enablePartitioning: false
    }
  }
]

resource namespaceDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: namespace
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

module namespacePrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-namespace-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: namespace.id
      resourceName: name
      defaultService: 'namespace'
      index: index
      location: location
      tags: tags
    }
  }
]

resource namespaceLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: namespace
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

resource namespaceRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(namespace.id, assignment.principalId, assignment.roleDefinitionId)
    scope: namespace
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

@description('The name of the namespace.')
output name string = namespace.name

@description('The resource ID of the namespace.')
output resourceId string = namespace.id

@description('The resource group the namespace was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = namespace.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = namespace.?identity.?principalId

@description('The fully qualified namespace host name, e.g. <name>.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('The names of the queues.')
output queueNames string[] = [for (queue, index) in (queues ?? []): namespaceQueues[index].name]

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: namespacePrivateEndpoints[index].outputs.name
    resourceId: namespacePrivateEndpoints[index].outputs.resourceId
  }
]
