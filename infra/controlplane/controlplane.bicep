metadata name = 'Synaxis control plane resources'
metadata description = '''
The control plane's own resources in its resource group: a Flex Consumption Function app (Node 20,
system-assigned identity, identity-based connections, no keys), its storage (blob, queue and table
for Durable Functions), Cosmos DB (database stamps), the Service Bus queue stamp-lifecycle, the
Event Grid topic for stamp signals with its subscription to onStampSignal, Application Insights,
the action group that calls the alerts function, and the Front Door origin-health alert.
'''

import { cosmosDbSqlRoles } from '../roles/roles.bicep'
import { privateEndpointSingleServiceType } from '../stamp/types/avm-common-types.bicep'

@description('Required. Region of the resources.')
param location string

@description('Required. Tags for every resource (azd-env-name among them).')
param tags object

@description('Required. A unique token (uniqueString) that makes resource names unique.')
@minLength(13)
@maxLength(13)
param resourceToken string

@description('Required. Resource ID of the global Log Analytics workspace.')
param logAnalyticsWorkspaceId string

@description('Required. Resource ID of the global Front Door profile.')
param frontDoorProfileId string

@description('Required. Blob endpoint of the archive storage account (global resources).')
param archiveBlobEndpoint string

@description('Required. The archive container in it.')
param archiveContainerName string

@description('Optional. Object ID of a developer (user or group) that gets data access too; empty for none.')
param principalId string = ''

@description('Optional. What principalId is.')
param principalType ('User' | 'Group' | 'ServicePrincipal') = 'User'

@description('Optional. Create the Event Grid subscription to onStampSignal (the function must exist).')
param deployEventSubscription bool = false

@description('Optional. The stamp environment the control plane deploys stamps as.')
param stampEnvironment ('production' | 'staging' | 'development') = 'production'

@description('Optional. Seconds a processed event id is remembered (the events container\'s defaultTtl; DEFAULT_PROCESSED_EVENT_TTL_SECONDS in shared/azure/cosmos/database.ts).')
@minValue(1)
param processedEventTtlSeconds int = 604800

@description('''Optional. Reach the control plane's data services (storage, Cosmos DB, Service Bus, Event Grid) only
through private endpoints from the Function app's virtual network, with public network access disabled. Needs
Service Bus Premium (private endpoints exist only there). Off only for a throwaway development environment.''')
param privateNetworking bool = true

@description('''Optional. Application (client) ID of the control plane's Microsoft Entra app registration: App Service
authentication signs callers in with it (see infra/README.md). Empty: no sign-in is configured and the app, failing
closed, answers 401 to every API call.''')
param authClientId string = ''

@description('Optional. Object ID of that app registration (the application object, not its service principal): the action group\'s secure webhook gets its tokens for it. Empty: the action group cannot authenticate and alerts are refused.')
param authApplicationObjectId string = ''

@description('Optional. Front Door origin health (percent) below which an origin is reported unhealthy.')
@minValue(1)
@maxValue(100)
param originHealthThresholdPercent int = 75

var names = {
  storage: 'st${take(resourceToken, 20)}'
  deadLetterStorage: 'stdl${take(resourceToken, 20)}'
  appInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  cosmos: 'cosmos-${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  topic: 'evgt-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
}
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
var cosmosDatabaseName = 'stamps'
var lifecycleQueueName = 'stamp-lifecycle'
var frontDoorResourceGroup = split(frontDoorProfileId, '/')[4]
var frontDoorProfileName = last(split(frontDoorProfileId, '/'))

// ---------------------------------------------------------------------------------------------
// Storage (AzureWebJobsStorage: blob, queue and table for Durable Functions) and monitoring
// ---------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: names.storage
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity only: the app, Event Grid and operators use Microsoft Entra ID
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2' // the highest storage offers
    supportsHttpsTrafficOnly: true
    // Private: the app reaches blob, queue and table through private endpoints; the deployment
    // package is written by the platform over the app's VNet integration, not by the deployer.
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
    }
  }
}

// Event Grid dead-letters with its own identity as a trusted Microsoft service, an exception that
// the storage firewall grants and that disabling public network access would take away; so the
// dead letters live apart, in an account that admits nothing else
// (https://learn.microsoft.com/azure/event-grid/manage-event-delivery#use-managed-identity,
// https://learn.microsoft.com/azure/storage/common/storage-network-security-trusted-azure-services).
resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: names.deadLetterStorage
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Deny'
      ipRules: []
      virtualNetworkRules: []
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deadLetterContainer 'containers' = {
      name: deadLetterContainerName
    }
  }
}

module network 'network.bicep' = if (privateNetworking) {
  name: 'cp-network'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}


// The private endpoint of one service (a group id) in the endpoints subnet, registered in its zone.
func privateEndpointTo(subnetId string, zoneId string, service string) privateEndpointSingleServiceType => {
  subnetResourceId: subnetId
  service: service
  privateDnsZoneGroup: {
    privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: zoneId }]
  }
}

module storageEndpoints '../stamp/modules/private-endpoint.bicep' = [
  for (service, index) in ['blob', 'queue', 'table']: if (privateNetworking) {
    name: 'cp-pep-storage-${service}'
    params: {
      #disable-next-line what-if-short-circuiting
      endpoint: privateEndpointTo(
        network!.outputs.endpointsSubnetResourceId,
        network!.outputs.privateDnsZoneResourceIds[service],
        service
      )
      privateLinkServiceId: storage.id
      resourceName: storage.name
      defaultService: 'blob'
      index: index
      location: location
      tags: tags
    }
  }
]

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.appInsights
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalyticsWorkspaceId
    DisableLocalAuth: true // telemetry is sent with the app's identity (Monitoring Metrics Publisher)
  }
}

// ---------------------------------------------------------------------------------------------
// Function app (Flex Consumption, Node 20)
// ---------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: names.plan
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: names.functionApp
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    // Outbound through the network: the data services are private, reached by their endpoints.
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.functionsSubnetResourceId : null
    vnetRouteAllEnabled: privateNetworking
    siteConfig: {
      minTlsVersion: '1.3'
      scmMinTlsVersion: '1.3'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 100
        instanceMemoryMB: 2048
      }
      runtime: {
        // Node 20 left Functions support on 30 April 2026; Flex Consumption runs Node 22.
        // https://learn.microsoft.com/azure/azure-functions/supported-languages ; Flex stacks:
        // Az.Functions FunctionsStackFlexData/*/node.json lists Node|22.
        name: 'node'
        version: '22'
      }
    }
  }
}

// App Service authentication with Microsoft Entra ID validates every caller's token or session
// (browsers through the login page, tools with a bearer token for the app's audience) and sets
// X-MS-CLIENT-PRINCIPAL, which the app reads for the principal and its app roles
// (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities,
// https://learn.microsoft.com/azure/templates/microsoft.web/sites/config-authsettingsv2).
// It lets an unauthenticated request through (AllowAnonymous) and the app decides: every route
// checks its role and answers 401/403 problem+json itself, the dashboard sends a browser to sign
// in, and the callers that bring no user sign-in (the Event Grid webhook with its system key, an
// alert sender with the receiver's key) reach the app the same way as everyone else, with the
// platform's header handling on every path alike.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  name: 'authsettingsV2'
  parent: functionApp
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          // v2 access tokens carry the client id as audience, v1 tokens the Application ID URI.
          allowedAudiences: ['api://${authClientId}', authClientId]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
  }
}

// No basic-auth publishing credentials: azd deploys with Microsoft Entra ID.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  name: 'ftp'
  parent: functionApp
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  name: 'scm'
  parent: functionApp
  properties: {
    allow: false
  }
}

// ---------------------------------------------------------------------------------------------
// Cosmos DB, Service Bus and Event Grid
// ---------------------------------------------------------------------------------------------

var cosmosDataContributor = cosmosDbSqlRoles['Cosmos DB Built-in Data Contributor']

module cosmos '../stamp/modules/cosmos.bicep' = {
  name: 'cp-cosmos'
  params: {
    name: names.cosmos
    location: location
    tags: tags
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    privateEndpoints: privateNetworking
      ? [
          privateEndpointTo(
            network!.outputs.endpointsSubnetResourceId,
            network!.outputs.privateDnsZoneResourceIds.cosmos,
            'Sql'
          )
        ]
      : []
    serverless: true
    sqlDatabases: [
      {
        name: cosmosDatabaseName
        // Exactly what shared/azure/cosmos/database.ts creates when missing: the app's identity has
        // data-plane roles only, so it cannot create or change containers; a mismatch would break it.
        containers: [
          {
            name: 'stamps' // stamp documents and their audit records, one partition per stamp
            partitionKeyPath: '/stampId'
          }
          {
            name: 'ledger' // region ledgers and the purge schedule
            partitionKeyPath: '/id'
          }
          {
            name: 'events' // processed inbound event ids
            partitionKeyPath: '/id'
            defaultTtl: processedEventTtlSeconds
          }
        ]
      }
    ]
    sqlRoleAssignments: concat(
      [
        {
          principalId: functionApp.identity.principalId
          roleDefinitionId: cosmosDataContributor
          scope: '/dbs/${cosmosDatabaseName}'
        }
      ],
      empty(principalId)
        ? []
        : [
            {
              principalId: principalId
              roleDefinitionId: cosmosDataContributor
              scope: '/dbs/${cosmosDatabaseName}'
            }
          ]
    )
    diagnosticSettings: [
      {
        workspaceResourceId: logAnalyticsWorkspaceId
      }
    ]
  }
}

module serviceBus '../stamp/modules/servicebus.bicep' = {
  name: 'cp-servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    // Private endpoints exist only in Premium (https://learn.microsoft.com/azure/service-bus-messaging/private-link-service).
    skuName: privateNetworking ? 'Premium' : 'Standard'
    zoneRedundant: privateNetworking
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    privateEndpoints: privateNetworking
      ? [
          privateEndpointTo(
            network!.outputs.endpointsSubnetResourceId,
            network!.outputs.privateDnsZoneResourceIds.serviceBus,
            'namespace'
          )
        ]
      : []
    queues: [
      {
        name: lifecycleQueueName
        requiresSession: true // one session per stamp id: a stamp's commands are handled in order
        requiresDuplicateDetection: true
        duplicateDetectionHistoryTimeWindow: 'PT1H'
        maxDeliveryCount: 10
        lockDuration: 'PT1M'
      }
    ]
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Azure Service Bus Data Sender'
        principalId: functionApp.identity.principalId
        principalType: 'ServicePrincipal'
      }
      {
        roleDefinitionIdOrName: 'Azure Service Bus Data Receiver'
        principalId: functionApp.identity.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    diagnosticSettings: [
      {
        workspaceResourceId: logAnalyticsWorkspaceId
      }
    ]
  }
}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: names.topic
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned' // dead-letters to storage with its own identity
  }
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    // The app publishes through the private endpoint; delivery to the function is Event Grid's
    // push to the app's public endpoint, which a topic's network setting does not affect.
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    minimumTlsVersionAllowed: '1.2' // the highest Event Grid offers
  }
}

module topicEndpoint '../stamp/modules/private-endpoint.bicep' = if (privateNetworking) {
  name: 'cp-pep-topic'
  params: {
    #disable-next-line what-if-short-circuiting
    endpoint: privateEndpointTo(
      network!.outputs.endpointsSubnetResourceId,
      network!.outputs.privateDnsZoneResourceIds.eventGrid,
      'topic'
    )
    privateLinkServiceId: topic.id
    resourceName: topic.name
    defaultService: 'topic'
    index: 0
    location: location
    tags: tags
  }
}

// Role assignment names are guid(scope, principalId, role); the principals
// are created in this deployment, so what-if cannot predict those names, and says so.
module access 'controlplane-access.bicep' = {
  name: 'cp-access'
  params: {
    #disable-next-line what-if-short-circuiting
    functionAppPrincipalId: functionApp.identity.principalId
    #disable-next-line what-if-short-circuiting
    topicPrincipalId: topic.identity.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
    storageAccountName: storage.name
    deadLetterStorageAccountName: deadLetterStorage.name
    appInsightsName: appInsights.name
    topicName: topic.name
  }
}

// Identity-based connections (`<name>__...` settings); no key or connection secret anywhere.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  name: 'appsettings'
  parent: functionApp
  properties: {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    STAMPS_CLOUD: 'azure'
    STAMPS_TASK_HUB: 'stamps'
    STAMPS_ENVIRONMENT: stampEnvironment
    AZURE_SUBSCRIPTION_ID: subscription().subscriptionId
    Cosmos__accountEndpoint: cosmos.outputs.endpoint
    STAMPS_COSMOS_DATABASE: cosmosDatabaseName
    ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    STAMPS_EVENTGRID_TOPIC_ENDPOINT: topic.properties.endpoint
    STAMPS_FRONTDOOR_RESOURCE_GROUP: frontDoorResourceGroup
    STAMPS_FRONTDOOR_PROFILE: frontDoorProfileName
    STAMPS_FRONTDOOR_ORIGIN_GROUP: 'stamps'
    // For the Deployer: the stamp template's logAnalyticsWorkspaceId and actionGroupResourceId.
    STAMPS_LOG_ANALYTICS_WORKSPACE_ID: logAnalyticsWorkspaceId
    STAMPS_ALERT_ACTION_GROUP_ID: actionGroup.id
    // Retired stamps' archives.
    STAMPS_ARCHIVE_BLOB_ENDPOINT: archiveBlobEndpoint
    STAMPS_ARCHIVE_CONTAINER: archiveContainerName
  }
  dependsOn: [access]
}

resource onStampSignal 'Microsoft.EventGrid/topics/eventSubscriptions@2025-02-15' = if (deployEventSubscription) {
  name: 'on-stamp-signal'
  parent: topic
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/onStampSignal'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
  dependsOn: [appSettings]
}

// ---------------------------------------------------------------------------------------------
// Alerts: Azure Monitor cannot publish to Event Grid or Service Bus directly, so the action group
// calls the HTTP function `alerts` (common alert schema), which publishes a stamp signal.
// ---------------------------------------------------------------------------------------------

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: names.actionGroup
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'synaxis'
    enabled: true
    // The secure webhook: Azure Monitor gets a Microsoft Entra token for the app registration
    // (its app role Stamps.AlertSender is assigned to the action group's service principal) and
    // the alert receiver accepts it (https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#secure-webhook).
    webhookReceivers: empty(authApplicationObjectId) || empty(authClientId)
      ? []
      : [
          {
            name: 'alerts'
            serviceUri: 'https://${functionApp.properties.defaultHostName}/api/alerts'
            useCommonAlertSchema: true
            useAadAuth: true
            objectId: authApplicationObjectId
            identifierUri: 'api://${authClientId}'
            tenantId: tenant().tenantId
          }
        ]
  }
}

resource originHealthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'origin-health-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    description: 'A Front Door origin (a stamp) is failing its health probes. One alert per origin (dimension Origin).'
    severity: 1
    enabled: true
    scopes: [frontDoorProfileId]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    autoMitigate: true // resolved alerts let an isolated stamp rejoin within the grace period
    targetResourceType: 'Microsoft.Cdn/profiles'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'origin-health'
          metricNamespace: 'Microsoft.Cdn/profiles'
          metricName: 'OriginHealthPercentage'
          dimensions: [
            {
              name: 'Origin'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'LessThan'
          threshold: originHealthThresholdPercent
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

@description('The name of the Function app.')
output functionAppName string = functionApp.name

@description('The resource ID of the Function app.')
output functionAppResourceId string = functionApp.id

@description('The principal ID of the Function app\'s system-assigned identity.')
output functionAppPrincipalId string = functionApp.identity.principalId

@description('The Cosmos DB endpoint.')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('The Service Bus namespace host name.')
output serviceBusFullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('The Event Grid topic endpoint.')
output eventGridTopicEndpoint string = topic.properties.endpoint

@description('The resource ID of the action group (the stamp template\'s actionGroupResourceId).')
output actionGroupResourceId string = actionGroup.id
