metadata name = 'Policy assignment (resource group)'
metadata description = 'An Azure Policy assignment at resource-group scope, e.g. the AKS pod-security baseline that the Azure Policy add-on enforces in the cluster (AVM ptn/authorization/policy-assignment interface).'

import { managedIdentityAllType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the policy assignment (at most 64 characters).')
@maxLength(64)
param name string

@description('Optional. Location of the assignment\'s managed identity, if it has one.')
param location string = resourceGroup().location

@description('Required. The resource ID of the policy or policy set definition to assign.')
param policyDefinitionId string

@description('Optional. The display name of the assignment.')
param displayName string?

@description('Optional. The parameter values of the assigned policy.')
param parameters object?

@description('Optional. Default enforces the policy; DoNotEnforce only reports.')
param enforcementMode ('Default' | 'DoNotEnforce') = 'Default'

@description('Optional. The message shown when a resource is not compliant.')
param nonComplianceMessage string?

@description('Optional. The managed identity definition for this resource.')
param managedIdentities managedIdentityAllType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Resource Policy Contributor'
  'Reader'
])

var formattedUserAssignedIdentities = reduce(
  map((managedIdentities.?userAssignedResourceIds ?? []), (id) => { '${id}': {} }),
  {},
  (cur, next) => union(cur, next)
)

// A policy assignment takes exactly one kind of identity.
var identity = !empty(managedIdentities)
  ? ((managedIdentities.?systemAssigned ?? false)
      ? { type: 'SystemAssigned' }
      : (!empty(formattedUserAssignedIdentities)
          ? { type: 'UserAssigned', userAssignedIdentities: formattedUserAssignedIdentities }
          : null))
  : null

resource policyAssignment 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: name
  location: location
  identity: identity
  properties: {
    displayName: displayName
    policyDefinitionId: policyDefinitionId
    parameters: parameters
    enforcementMode: enforcementMode
    nonComplianceMessages: !empty(nonComplianceMessage) ? [{ message: nonComplianceMessage! }] : []
    metadata: tags
  }
}

var formattedRoleAssignments = [
  for assignment in (roleAssignments ?? []): union(assignment, {
    roleDefinitionId: roleDefinitionIdFor(assignment.roleDefinitionIdOrName, builtInRoleNames, subscription().subscriptionId)
  })
]

resource policyAssignmentRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(policyAssignment.id, assignment.principalId, assignment.roleDefinitionId)
    scope: policyAssignment
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

@description('The name of the policy assignment.')
output name string = policyAssignment.name

@description('The resource ID of the policy assignment.')
output resourceId string = policyAssignment.id

@description('The resource group the assignment was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = policyAssignment.?identity.?principalId
