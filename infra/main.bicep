targetScope = 'subscription'

metadata name = 'Synaxis control plane (azd)'
metadata description = '''
What `azd up` provisions: the global resources (infra/global, once per environment) and the control
plane's own resource group rg-synaxis-cp-{environmentName} with the Function app and its storage,
Cosmos DB, Service Bus, Event Grid, Application Insights, the action group and alert rules, plus
the subscription-scope roles the control plane needs to deploy and purge stamps.
'''

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

@description('Optional. Create the Event Grid subscription to the onStampSignal function. Event Grid checks that the function exists, so the first provision (before any code is deployed) leaves it out; the postdeploy hook in azure.yaml sets this and provisions again.')
param deployEventSubscription bool = false

@description('Optional. Grant the Function app the subscription-scope roles it needs to deploy and purge stamps (Contributor, and Role Based Access Control Administrator restricted to the roles the stamp template assigns).')
param grantStampDeploymentRoles bool = true

var tags = {
  'azd-env-name': environmentName
  'synaxis-scope': 'control-plane'
}

// Roles the stamp template assigns; the control plane may assign these and no others.
var stampAssignableRoleIds = [
  'f1a07417-d97a-45cb-824c-7a7467783830' // Managed Identity Operator
  '4d97b98b-1d4f-4787-a291-c67834d212e7' // Network Contributor
  'f25e0fa2-a7c8-4377-a976-54943a77a395' // Key Vault Contributor
  '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  '12338af0-0e69-4776-bea7-57ae8d297424' // Key Vault Crypto User
  '7f951dda-4ed3-4680-a7ca-43fe172d538d' // AcrPull
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  '4f6d3b9b-027b-4f4f-9142-0e5a2a0247e0' // Azure Service Bus Data Receiver
]
var cdnProfileContributorRoleId = 'ec156ff8-a8d1-4d15-830c-5b80698ca432'

module global 'global/main.bicep' = {
  name: 'synaxis-global-${stampEnvironment}'
  params: {
    environment: stampEnvironment
    location: location
  }
}

resource controlPlaneResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-synaxis-cp-${environmentName}'
  location: location
  tags: tags
}

module controlPlane 'app/controlplane.bicep' = {
  scope: controlPlaneResourceGroup
  name: 'synaxis-control-plane'
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    logAnalyticsWorkspaceId: global.outputs.logAnalyticsWorkspaceId
    frontDoorProfileId: global.outputs.frontDoorProfileId
    principalId: principalId
    deployEventSubscription: deployEventSubscription
  }
}

// Deploying a stamp creates a resource group and resources in it (Contributor); the stamp template
// assigns roles to its own identities, so the control plane may assign exactly those roles.
module stampDeploymentAccess 'app/subscription-access.bicep' = if (grantStampDeploymentRoles) {
  name: 'synaxis-cp-subscription-access'
  params: {
    #disable-next-line what-if-short-circuiting
    principalId: controlPlane.outputs.functionAppPrincipalId
    assignableRoleIds: stampAssignableRoleIds
  }
}

// Registering, isolating and removing origins in the global Front Door profile.
// The role assignment's name is guid(scope, principalId, role) (STYLE.md practice 15); the principal
// is created in this deployment, so what-if cannot predict that name, and says so.
module frontDoorAccess 'app/frontdoor-access.bicep' = {
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
