metadata name = 'Archive access for the control plane'
metadata description = '''
One role assignment on the archive container, in the global resource group (a module, because that
group is not the control plane's): Storage Blob Data Owner, whose blob data actions include writing
a blob with its immutability policy and legal hold, reading it back and clearing the legal hold.
'''

@description('Required. Name of the archive storage account.')
param storageAccountName string

@description('Required. Name of the archive container.')
param containerName string

@description('Required. The principal ID of the Function app\'s system-assigned identity.')
param principalId string

@description('Required. The role definition GUID to assign (Storage Blob Data Owner).')
param roleDefinitionId string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::container.id, principalId, roleDefinitionId)
  scope: account::blobService::container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
