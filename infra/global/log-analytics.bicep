metadata name = 'Log Analytics workspace'
metadata description = 'The global workspace every stamp sends its diagnostics to (AVM res/operational-insights/workspace interface, reduced to what this project uses). Local auth is off: agents and diagnostic settings use Microsoft Entra ID.'

import { lockType } from '../stamp/types/avm-common-types.bicep'

@description('Required. Name of the workspace.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Days the workspace keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 90

@description('Optional. The lock settings of the service. Default CanNotDelete: the workspace holds the logs of retired stamps.')
param lock lockType = { kind: 'CanNotDelete' }

@description('Optional. Tags of the resource.')
param tags object?

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: true
    }
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource workspaceLock 'Microsoft.Authorization/locks@2020-05-01' = if (lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: workspace
  properties: {
    level: lock.?kind ?? 'CanNotDelete'
    notes: lock.?notes ?? 'Holds the logs of retired stamps.'
  }
}

@description('The name of the workspace.')
output name string = workspace.name

@description('The resource ID of the workspace.')
output resourceId string = workspace.id

@description('The workspace (customer) ID.')
output logAnalyticsWorkspaceId string = workspace.properties.customerId

@description('The resource group the workspace was deployed into.')
output resourceGroupName string = resourceGroup().name
