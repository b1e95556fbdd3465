metadata name = 'Front Door access for the control plane'
metadata description = 'One role assignment on the global Front Door profile, in the global resource group (a module, because that group is not the control plane\'s).'

@description('Required. Name of the Front Door profile.')
param frontDoorProfileName string

@description('Required. The principal ID of the Function app\'s system-assigned identity.')
param principalId string

@description('Required. The role definition GUID to assign (CDN Profile Contributor).')
param roleDefinitionId string

resource profile 'Microsoft.Cdn/profiles@2025-04-15' existing = {
  name: frontDoorProfileName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(profile.id, principalId, roleDefinitionId)
  scope: profile
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
