metadata name = 'Network security group'
metadata description = 'A network security group with its rules, diagnostics, lock and role assignments (AVM res/network/network-security-group interface).'

import { diagnosticSettingFullType, lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the network security group.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Array of security rules. Anything not allowed is denied by the default rules.')
param securityRules securityRuleType[]?

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

@export()
@description('A security rule of the network security group.')
type securityRuleType = {
  @description('Required. The name of the security rule.')
  name: string

  @description('Required. The properties of the security rule.')
  properties: {
    @description('Required. Network traffic is allowed or denied.')
    access: ('Allow' | 'Deny')

    @description('Optional. A description for this rule.')
    description: string?

    @description('Required. The direction of the rule.')
    direction: ('Inbound' | 'Outbound')

    @description('Required. The priority of the rule, 100 to 4096, unique in the group.')
    @minValue(100)
    @maxValue(4096)
    priority: int

    @description('Required. Network protocol this rule applies to.')
    protocol: ('Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*')

    @description('Optional. The source address prefix, CIDR or service tag.')
    sourceAddressPrefix: string?

    @description('Optional. The source port or range.')
    sourcePortRange: string?

    @description('Optional. The destination address prefix, CIDR or service tag.')
    destinationAddressPrefix: string?

    @description('Optional. The destination port or range.')
    destinationPortRange: string?

    @description('Optional. The destination port ranges.')
    destinationPortRanges: string[]?
  }
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Contributor'
  'Network Contributor'
  'Reader'
])

resource networkSecurityGroup 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    securityRules: [
      for rule in (securityRules ?? []): {
        name: rule.name
        properties: {
          access: rule.properties.access
          description: rule.properties.?description ?? ''
          direction: rule.properties.direction
          priority: rule.properties.priority
          protocol: rule.properties.protocol
          sourceAddressPrefix: rule.properties.?sourceAddressPrefix ?? '*'
          sourcePortRange: rule.properties.?sourcePortRange ?? '*'
          destinationAddressPrefix: rule.properties.?destinationAddressPrefix ?? '*'
          destinationPortRange: rule.properties.?destinationPortRange
          destinationPortRanges: rule.properties.?destinationPortRanges ?? []
        }
      }
    ]
  }
}

resource networkSecurityGroupDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (setting, index) in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: networkSecurityGroup
    properties: {
      workspaceId: setting.?workspaceResourceId
      storageAccountId: setting.?storageAccountResourceId
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

resource networkSecurityGroupLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: networkSecurityGroup
  properties: {
    level: lock.?kind ?? 'CanNotDelete'
    notes: lock.?notes ?? 'Cannot delete the resource or its child resources.'
  }
}

var formattedRoleAssignments = [
  for assignment in (roleAssignments ?? []): union(assignment, {
    roleDefinitionId: roleDefinitionIdFor(assignment.roleDefinitionIdOrName, builtInRoleNames, subscription().subscriptionId)
  })
]

resource networkSecurityGroupRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(networkSecurityGroup.id, assignment.principalId, assignment.roleDefinitionId)
    scope: networkSecurityGroup
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

@description('The name of the network security group.')
output name string = networkSecurityGroup.name

@description('The resource ID of the network security group.')
output resourceId string = networkSecurityGroup.id

@description('The resource group the network security group was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = networkSecurityGroup.location
