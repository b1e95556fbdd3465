targetScope = 'subscription'

metadata name = 'Synaxis control plane: subscription roles'
metadata description = '''
What the control plane needs at subscription scope to deploy and purge stamps: Contributor (create
and delete stamp resource groups and their resources), Role Based Access Control Administrator
limited by a condition to the roles the stamp template assigns (no Owner, no User Access
Administrator), and Resource Policy Contributor (the stamp template assigns the AKS pod-security
policies to its resource group; Contributor's NotActions exclude Microsoft.Authorization/*/Write).
test/infra/permissions.test.ts checks every resource type the stamp template writes against these
roles. Names are guid(scope, principalId, role).
'''

import { builtInRoles } from '../roles/roles.bicep'

@description('Required. The principal ID of the Function app\'s system-assigned identity.')
param principalId string

@description('Required. The role definition GUIDs the stamp template assigns; the only roles the control plane may assign or remove.')
param assignableRoleIds string[]

var contributorRoleId = builtInRoles.Contributor
var rbacAdministratorRoleId = builtInRoles['Role Based Access Control Administrator']
var resourcePolicyContributorRoleId = builtInRoles['Resource Policy Contributor']
var assignable = join(assignableRoleIds, ', ')

resource stampContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, contributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Synaxis control plane: deploy and purge stamp resource groups.'
  }
}

resource stampRoleAssigner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, rbacAdministratorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministratorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Synaxis control plane: assign the stamp template\'s roles only.'
    conditionVersion: '2.0'
    condition: '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${assignable}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${assignable}}))'
  }
}

resource stampPolicyAssigner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, resourcePolicyContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', resourcePolicyContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Synaxis control plane: assign the stamp template\'s policies to stamp resource groups.'
  }
}
