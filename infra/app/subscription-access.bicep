targetScope = 'subscription'

metadata name = 'Synaxis control plane: subscription roles'
metadata description = '''
What the control plane needs at subscription scope to deploy and purge stamps: Contributor (create
and delete stamp resource groups and their resources) and Role Based Access Control Administrator
limited by a condition to the roles the stamp template assigns (no Owner, no User Access
Administrator). Names are guid(scope, principalId, role).
'''

@description('Required. The principal ID of the Function app\'s system-assigned identity.')
param principalId string

@description('Required. The role definition GUIDs the stamp template assigns; the only roles the control plane may assign or remove.')
param assignableRoleIds string[]

var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'
var rbacAdministratorRoleId = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
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
