targetScope = 'subscription'

metadata name = 'Synaxis control plane (azd)'
metadata description = '''
What `azd up` provisions: the global resources (infra/global, once per environment) and the control
plane's own resource group rg-synaxis-cp-{environmentName} with the Function app and its storage,
Cosmos DB, Service Bus, Event Grid, Application Insights, the action group and alert rules, plus
the subscription-scope roles the control plane needs to deploy and purge stamps.
'''

import { builtInRoles } from 'roles/roles.bicep'

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment; names the resource group and tags it azd-env-name.')
param environmentName string

@minLength(1)
@description('Required. Primary region for all resources.')
param location string

@description('Optional. The stamp environment (the stamp template\'s environment parameter).')
param stampEnvironment ('production' | 'staging' | 'development') = 'production'

@description('Optional. Object ID of a user or group that gets data access for local development (azd sets AZURE_PRINCIPAL_ID).')
param principalId string = ''

@description('Optional. What principalId is: a user (the default, as azd signs in), a group or a service principal (azd sets AZURE_PRINCIPAL_TYPE).')
param principalType ('User' | 'Group' | 'ServicePrincipal') = 'User'

@description('Optional. Create the Event Grid subscription to the onStampSignal function. Event Grid checks that the function exists, so the first provision (before any code is deployed) leaves it out; the postdeploy hook in azure.yaml sets this and provisions again.')
param deployEventSubscription bool = false

@description('Optional. Grant the Function app the subscription-scope roles it needs to deploy and purge stamps (Contributor, and Role Based Access Control Administrator restricted to the roles the stamp template assigns).')
param grantStampDeploymentRoles bool = true

@description('Optional. Application (client) ID of the control plane\'s Entra app registration (infra/README.md); empty: no sign-in, every API call is refused.')
param authClientId string = ''

@description('Optional. Object ID of that app registration (the application object), for the action group\'s secure webhook.')
param authApplicationObjectId string = ''

@description('Optional. Data services only through private endpoints from the app\'s virtual network (Service Bus Premium).')
param privateNetworking bool = true

var tags = {
  'azd-env-name': environmentName
  'synaxis-scope': 'control-plane'
}

// Roles the stamp template assigns; the control plane may assign these and no others.
var stampAssignableRoleIds = map(
  [
    'Managed Identity Operator'
    'Network Contributor'
    'Key Vault Contributor'
    'Key Vault Secrets User'
    'Key Vault Crypto User'
    'AcrPull'
    'Azure Service Bus Data Sender'
    'Azure Service Bus Data Receiver'
  ],
  name => builtInRoles[name]
)
var cdnProfileContributorRoleId = builtInRoles['CDN Profile Contributor']
var storageBlobDataOwnerRoleId = builtInRoles['Storage Blob Data Owner']
// Known before deployment, so the archive access below (a role assignment on the container) is
// named from values what-if can predict.
var archiveStorageAccountName = 'starch${take(uniqueString(subscription().id, stampEnvironment), 13)}'
var archiveContainerName = 'stamp-archives'

module global 'global/main.bicep' = {
  name: 'synaxis-global-${stampEnvironment}'
  params: {
    environment: stampEnvironment
    location: location
    archiveStorageAccountName: archiveStorageAccountName
    archiveContainerName: archiveContainerName
  }
}

resource controlPlaneResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-synaxis-cp-${environmentName}'
  location: location
  tags: tags
}

module controlPlane 'controlplane/controlplane.bicep' = {
  scope: controlPlaneResourceGroup
  name: 'synaxis-control-plane'
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    logAnalyticsWorkspaceId: global.outputs.logAnalyticsWorkspaceId
    frontDoorProfileId: global.outputs.frontDoorProfileId
    archiveBlobEndpoint: global.outputs.archiveBlobEndpoint
    archiveContainerName: global.outputs.archiveContainerName
    principalId: principalId
    principalType: principalType
    stampEnvironment: stampEnvironment
    deployEventSubscription: deployEventSubscription
    privateNetworking: privateNetworking
    authClientId: authClientId
    authApplicationObjectId: authApplicationObjectId
  }
}

// Deploying a stamp creates a resource group and resources in it (Contributor); the stamp template
// assigns roles to its own identities, so the control plane may assign exactly those roles.
module stampDeploymentAccess 'controlplane/subscription-access.bicep' = if (grantStampDeploymentRoles) {
  name: 'synaxis-cp-subscription-access'
  params: {
    #disable-next-line what-if-short-circuiting
    principalId: controlPlane.outputs.functionAppPrincipalId
    assignableRoleIds: stampAssignableRoleIds
  }
}

// Registering, isolating and removing origins in the global Front Door profile.
// The role assignment's name is guid(scope, principalId, role); the principal
// is created in this deployment, so what-if cannot predict that name, and says so.
module frontDoorAccess 'controlplane/frontdoor-access.bicep' = {
  scope: resourceGroup('rg-synaxis-global-${stampEnvironment}')
  name: 'synaxis-cp-frontdoor-access'
  params: {
    frontDoorProfileName: 'afd-synaxis-${stampEnvironment}'
    #disable-next-line what-if-short-circuiting
    principalId: controlPlane.outputs.functionAppPrincipalId
    roleDefinitionId: cdnProfileContributorRoleId
  }
  // Ordered after the global profile through controlPlane, which reads global's outputs.
}

// Writing retired stamps' archives (immutable blobs) and releasing their legal holds at purge.
module archiveAccess 'controlplane/archive-access.bicep' = {
  scope: resourceGroup('rg-synaxis-global-${stampEnvironment}')
  name: 'synaxis-cp-archive-access'
  params: {
    storageAccountName: archiveStorageAccountName
    containerName: archiveContainerName
    #disable-next-line what-if-short-circuiting
    principalId: controlPlane.outputs.functionAppPrincipalId
    roleDefinitionId: storageBlobDataOwnerRoleId
  }
  // Ordered after the archive container through controlPlane, which reads global's outputs.
}

@description('The Azure region of the control plane (azd).')
output AZURE_LOCATION string = location

@description('The tenant of the deployment (azd).')
output AZURE_TENANT_ID string = tenant().tenantId

@description('The control plane\'s resource group (azd).')
output AZURE_RESOURCE_GROUP string = controlPlaneResourceGroup.name

@description('The name of the Function app.')
output AZURE_FUNCTION_APP_NAME string = controlPlane.outputs.functionAppName

@description('The Cosmos DB endpoint of the control plane.')
output COSMOS_ACCOUNT_ENDPOINT string = controlPlane.outputs.cosmosEndpoint

@description('The Service Bus namespace of the control plane.')
output SERVICE_BUS_NAMESPACE string = controlPlane.outputs.serviceBusFullyQualifiedNamespace

@description('The Event Grid topic endpoint for stamp signals.')
output EVENT_GRID_TOPIC_ENDPOINT string = controlPlane.outputs.eventGridTopicEndpoint

@description('The global Log Analytics workspace that stamps send diagnostics to.')
output LOG_ANALYTICS_WORKSPACE_ID string = global.outputs.logAnalyticsWorkspaceId

@description('The global Front Door profile.')
output FRONT_DOOR_PROFILE_ID string = global.outputs.frontDoorProfileId

@description('The archive storage account\'s blob endpoint (retired stamps\' records).')
output ARCHIVE_BLOB_ENDPOINT string = global.outputs.archiveBlobEndpoint
