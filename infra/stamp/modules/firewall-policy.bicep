metadata name = 'Firewall policy'
metadata description = 'An Azure Firewall policy with threat intelligence in deny mode, DNS proxy and rule collection groups (AVM res/network/firewall-policy interface). Whatever no rule allows is denied.'

import { lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the firewall policy.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The policy tier; it must match the firewall\'s tier.')
param tier ('Basic' | 'Standard' | 'Premium') = 'Standard'

@description('Optional. Threat intelligence mode.')
param threatIntelMode ('Alert' | 'Deny' | 'Off') = 'Deny'

@description('Optional. The rule collection groups, in the Azure Firewall policy schema.')
param ruleCollectionGroups ruleCollectionGroupType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A rule collection group. The rule collections follow the ARM schema of Microsoft.Network/firewallPolicies/ruleCollectionGroups.')
type ruleCollectionGroupType = {
  @description('Required. The name of the group.')
  name: string

  @description('Required. The priority of the group, 100-65000; lower is evaluated first.')
  @minValue(100)
  @maxValue(65000)
  priority: int

  @description('Required. The rule collections (NAT, network and application).')
  ruleCollections: object[]
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Network Contributor'
  'Reader'
])

resource firewallPolicy 'Microsoft.Network/firewallPolicies@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      tier: tier
    }
    threatIntelMode: threatIntelMode
    dnsSettings: {
      enableProxy: true // FQDNs in network rules need the firewall to resolve DNS
    }
  }
}

@batchSize(1) // a policy accepts one rule collection group write at a time
resource ruleCollectionGroup 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@2024-05-01' = [
  for group in (ruleCollectionGroups ?? []): {
    name: group.name
    parent: firewallPolicy
    properties: {
      priority: group.priority
      ruleCollections: group.ruleCollections
    }
  }
]

resource firewallPolicyLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: firewallPolicy
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

resource firewallPolicyRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(firewallPolicy.id, assignment.principalId, assignment.roleDefinitionId)
    scope: firewallPolicy
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

@description('The name of the firewall policy.')
output name string = firewallPolicy.name

@description('The resource ID of the firewall policy.')
output resourceId string = firewallPolicy.id

@description('The resource group the firewall policy was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = firewallPolicy.location
