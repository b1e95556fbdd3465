metadata name = 'Key Vault'
metadata description = 'A Premium Key Vault (HSM-backed keys) with RBAC authorization, purge protection, no public network access and private endpoints (AVM res/key-vault/vault interface).'

import { diagnosticSettingFullType, lockType, privateEndpointSingleServiceType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the Key Vault. Must be globally unique.')
@maxLength(24)
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Soft-delete retention in days. Purge protection keeps deleted vaults and keys for this long.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Optional. Whether the vault accepts traffic from public networks. Default Disabled: use private endpoints.')
param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. Configuration details for private endpoints. Use them with publicNetworkAccess Disabled.')
param privateEndpoints privateEndpointSingleServiceType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Key Vault Administrator'
  'Key Vault Contributor'
  'Key Vault Crypto Officer'
  'Key Vault Crypto Service Encryption User'
  'Key Vault Crypto User'
  'Key Vault Reader'
  'Key Vault Secrets User'
  'Reader'
])

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'premium' // premium is what makes RSA-HSM / EC-HSM keys possible
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Deny'
      ipRules: []
      virtualNetworkRules: []
    }
  }
}

resource keyVaultDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: keyVault
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

module keyVaultPrivateEndpoints 'private-endpoint.bicep' = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: '${uniqueString(deployment().name, location)}-vault-pep-${index}'
    params: {
      endpoint: endpoint
      privateLinkServiceId: keyVault.id
      resourceName: name
      defaultService: 'vault'
      index: index
      location: location
      tags: tags
    }
  }
]

resource keyVaultLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: keyVault
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

resource keyVaultRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(keyVault.id, assignment.principalId, assignment.roleDefinitionId)
    scope: keyVault
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

@description('The name of the key vault.')
output name string = keyVault.name

@description('The resource ID of the key vault.')
output resourceId string = keyVault.id

@description('The resource group the key vault was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = keyVault.location

@description('The URI of the key vault.')
output uri string = keyVault.properties.vaultUri

@description('The private endpoints of the resource.')
output privateEndpoints { name: string, resourceId: string }[] = [
  for (endpoint, index) in (privateEndpoints ?? []): {
    name: keyVaultPrivateEndpoints[index].outputs.name
    resourceId: keyVaultPrivateEndpoints[index].outputs.resourceId
  }
]
