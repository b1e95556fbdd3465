metadata name = 'Synaxis control plane role assignments'
metadata description = '''
Least-privilege data roles for the Function app's identity (and an optional developer), named
guid(scope, principal, role) so that a redeployment finds the same assignment. A module, because
principal IDs are known only at deployment time and role assignment names must be computed from
parameters.
'''

import { builtInRoles } from '../roles/roles.bicep'

@description('Required. The principal ID of the Function app\'s system-assigned identity.')
param functionAppPrincipalId string

@description('Required. The principal ID of the Event Grid topic\'s system-assigned identity (dead-lettering).')
param topicPrincipalId string

@description('Optional. Object ID of a developer that gets the same data roles; empty for none.')
param developerPrincipalId string = ''

@description('Optional. What developerPrincipalId is: a user, a group or a service principal.')
param developerPrincipalType ('User' | 'Group' | 'ServicePrincipal') = 'User'

@description('Required. Name of the storage account (AzureWebJobsStorage).')
param storageAccountName string

@description('Required. Name of the storage account Event Grid dead-letters to.')
param deadLetterStorageAccountName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Name of the Event Grid topic.')
param topicName string

var roles = {
  storageBlobDataOwner: builtInRoles['Storage Blob Data Owner']
  storageBlobDataContributor: builtInRoles['Storage Blob Data Contributor']
  storageQueueDataContributor: builtInRoles['Storage Queue Data Contributor']
  storageTableDataContributor: builtInRoles['Storage Table Data Contributor']
  monitoringMetricsPublisher: builtInRoles['Monitoring Metrics Publisher']
  eventGridDataSender: builtInRoles['EventGrid Data Sender']
}

// The Functions host and Durable Functions (Azure Storage provider) need blob (leases, the
// deployment package), queue (work items) and table (history, instances).
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

var appPrincipals = empty(developerPrincipalId)
  ? [{ id: functionAppPrincipalId, type: 'ServicePrincipal' }]
  : [{ id: functionAppPrincipalId, type: 'ServicePrincipal' }, { id: developerPrincipalId, type: developerPrincipalType }]

var storageAssignments = flatten(map(appPrincipals, p => map(storageRoles, r => { principal: p, role: r })))

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: deadLetterStorageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: topicName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in storageAssignments: {
    name: guid(storage.id, assignment.principal.id, assignment.role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.role)
      principalId: assignment.principal.id
      principalType: assignment.principal.type
    }
  }
]

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionAppPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: functionAppPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource signalPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principal in appPrincipals: {
    name: guid(topic.id, principal.id, roles.eventGridDataSender)
    scope: topic
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventGridDataSender)
      principalId: principal.id
      principalType: principal.type
    }
  }
]

resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterStorage.id, topicPrincipalId, roles.storageBlobDataContributor)
  scope: deadLetterStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: topicPrincipalId
    principalType: 'ServicePrincipal'
  }
}
