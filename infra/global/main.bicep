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
