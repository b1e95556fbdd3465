targetScope = 'subscription'

metadata name = 'Synaxis global resources'
metadata description = '''
What outlives every stamp (see infra/README.md): the resource group rg-synaxis-global-{environment}
with the global Log Analytics workspace (every stamp's diagnostics, kept after the stamp is purged)
and the Front Door profile with its endpoint, WAF policy and the origin group the control plane
registers stamps in. Deployed once per environment, by azd (infra/main.bicep) or on its own.
'''

@description('Required. The environment, e.g. production.')
param environment string

@description('Required. The region of the resource group and the workspace.')
param location string

@description('Optional. Days the workspace keeps logs; the archive phase keeps stamps\' logs for 30 days after retirement.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 90

@description('Optional. Tags for every resource.')
param tags object = {}

@description('Optional. Name of the archive storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param archiveStorageAccountName string = 'starch${take(uniqueString(subscription().id, environment), 13)}'

@description('Optional. The archive container.')
param archiveContainerName string = 'stamp-archives'

@description('Optional. A subnet for the archive storage account\'s private endpoint (and its private DNS zone); empty keeps public network access, Entra ID only.')
param archivePrivateEndpointSubnetId string = ''

@description('Optional. The privatelink.blob DNS zone for that endpoint.')
param archivePrivateDnsZoneId string = ''

var allTags = union(tags, {
  'synaxis-scope': 'global'
  'synaxis-environment': environment
})

resource globalResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-synaxis-global-${environment}'
  location: location
  tags: allTags
}

module workspace 'log-analytics.bicep' = {
  scope: globalResourceGroup
  name: 'global-${environment}-log'
  params: {
    name: 'log-synaxis-${environment}'
    location: location
    retentionInDays: logRetentionInDays
    tags: allTags
  }
}

module frontDoor '../stamp/modules/frontdoor.bicep' = {
  scope: globalResourceGroup
  name: 'global-${environment}-afd'
  params: {
    name: 'afd-synaxis-${environment}'
    endpointName: 'synaxis-${environment}-${take(uniqueString(subscription().id, environment), 6)}'
    originGroupName: 'stamps'
    healthProbePath: '/healthz'
    tags: allTags
    diagnosticSettings: [
      {
        workspaceResourceId: workspace.outputs.resourceId
      }
    ]
  }
}

module archive 'archive-storage.bicep' = {
  scope: globalResourceGroup
  name: 'global-${environment}-archive'
  params: {
    name: archiveStorageAccountName
    containerName: archiveContainerName
    location: location
    tags: allTags
    privateEndpoint: empty(archivePrivateEndpointSubnetId)
      ? null
      : {
          subnetResourceId: archivePrivateEndpointSubnetId
          privateDnsZoneGroup: empty(archivePrivateDnsZoneId)
            ? null
            : {
                privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: archivePrivateDnsZoneId }]
              }
        }
  }
}

@description('The name of the global resource group.')
output resourceGroupName string = globalResourceGroup.name

@description('The resource ID of the global Log Analytics workspace (the stamp template\'s logAnalyticsWorkspaceId).')
output logAnalyticsWorkspaceId string = workspace.outputs.resourceId

@description('The resource ID of the Front Door profile.')
output frontDoorProfileId string = frontDoor.outputs.resourceId

@description('The name of the Front Door profile.')
output frontDoorProfileName string = frontDoor.outputs.name

@description('The Front Door ID (X-Azure-FDID header) the stamps\' ingress accepts.')
output frontDoorId string = frontDoor.outputs.frontDoorId

@description('The host name of the Front Door endpoint.')
output frontDoorEndpointHostName string = frontDoor.outputs.endpointHostName

@description('The name of the origin group stamps are registered in.')
output frontDoorOriginGroupName string = frontDoor.outputs.originGroupName

@description('The blob endpoint of the archive storage account (STAMPS_ARCHIVE_BLOB_ENDPOINT).')
output archiveBlobEndpoint string = archive.outputs.blobEndpoint

@description('The archive storage account name.')
output archiveStorageAccountName string = archive.outputs.name

@description('The archive container (STAMPS_ARCHIVE_CONTAINER).')
output archiveContainerName string = archive.outputs.containerName
