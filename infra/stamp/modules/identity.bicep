metadata name = 'User-assigned managed identity'
metadata description = 'A user-assigned managed identity with optional federated identity credentials (AVM res/managed-identity/user-assigned-identity interface). Used for the AKS control plane, the kubelet and workload identity.'

import { lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Federated identity credentials (for AKS workload identity: the cluster\'s OIDC issuer and a service account subject).')
param federatedIdentityCredentials federatedIdentityCredentialType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A federated identity credential.')
type federatedIdentityCredentialType = {
  @description('Required. The name of the federated identity credential.')
  name: string

  @description('Required. The URL of the issuer to be trusted (the AKS OIDC issuer).')
  issuer: string

  @description('Required. The identifier of the external identity, e.g. system:serviceaccount:<namespace>:<name>.')
  subject: string

  @description('Optional. The audiences that can appear in the issued token. Defaults to api://AzureADTokenExchange.')
  audiences: string[]?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Managed Identity Operator'
  'Managed Identity Contributor'
  'Reader'
])

resource userAssignedIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@batchSize(1) // the identity provider rejects concurrent writes of federated credentials on one identity
resource federatedCredentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for credential in (federatedIdentityCredentials ?? []): {
    name: credential.name
    parent: userAssignedIdentity
    properties: {
      audiences: credential.?audiences ?? ['api://AzureADTokenExchange']
      issuer: credential.issuer
      subject: credential.subject
    }
  }
]

resource userAssignedIdentityLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: userAssignedIdentity
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

resource userAssignedIdentityRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(userAssignedIdentity.id, assignment.principalId, assignment.roleDefinitionId)
    scope: userAssignedIdentity
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

@description('The name of the user-assigned identity.')
output name string = userAssignedIdentity.name

@description('The resource ID of the user-assigned identity.')
output resourceId string = userAssignedIdentity.id

@description('The principal ID (object ID) of the user-assigned identity.')
output principalId string = userAssignedIdentity.properties.principalId

@description('The client ID (application ID) of the user-assigned identity.')
output clientId string = userAssignedIdentity.properties.clientId

@description('The resource group the user-assigned identity was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = userAssignedIdentity.location
