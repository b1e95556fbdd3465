metadata name = 'Front Door'
metadata description = '''
The global Azure Front Door (Premium) in front of all stamps (AVM res/cdn/profile interface): a
profile, one endpoint, one origin group with health probes and a route, protected by a WAF policy
in prevention mode. Origins (one per stamp) are not declared here: the control plane adds and
removes them as stamps register and retire, and an incremental redeployment of this module leaves
them alone.
'''

import { diagnosticSettingFullType, lockType, managedIdentityAllType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the Front Door profile.')
param name string

@description('Optional. The profile SKU. Premium is needed for the managed WAF rule sets and Private Link origins.')
param skuName ('Standard_AzureFrontDoor' | 'Premium_AzureFrontDoor') = 'Premium_AzureFrontDoor'

@description('Required. Name of the endpoint (part of its host name).')
param endpointName string

@description('Optional. Name of the origin group the stamps are registered in.')
param originGroupName string = 'stamps'

@description('Optional. Path of the health probe on every origin.')
param healthProbePath string = '/healthz'

@description('Optional. Seconds between health probes.')
param healthProbeIntervalInSeconds int = 30

@description('Optional. Milliseconds of extra latency within which origins count as equally fast.')
param additionalLatencyInMilliseconds int = 50

@description('Optional. The diagnostic settings of the service.')
param diagnosticSettings diagnosticSettingFullType[]?

@description('Optional. The managed identity definition for this resource.')
param managedIdentities managedIdentityAllType?

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'CDN Profile Contributor'
  'CDN Profile Reader'
  'Reader'
])

var formattedUserAssignedIdentities = reduce(
  map((managedIdentities.?userAssignedResourceIds ?? []), (id) => { '${id}': {} }),
  {},
  (cur, next) => union(cur, next)
)

var identity = !empty(managedIdentities)
  ? {
      type: (managedIdentities.?systemAssigned ?? false)
        ? (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'SystemAssigned, UserAssigned' : 'SystemAssigned')
        : (!empty(managedIdentities.?userAssignedResourceIds ?? {}) ? 'UserAssigned' : 'None')
      userAssignedIdentities: !empty(formattedUserAssignedIdentities) ? formattedUserAssignedIdentities : null
    }
  : null

resource profile 'Microsoft.Cdn/profiles@2025-04-15' = {
  name: name
  location: 'global'
  tags: tags
  identity: identity
  sku: {
    name: skuName
  }
  properties: {
    originResponseTimeoutSeconds: 60
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' = {
  name: endpointName
  parent: profile
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = {
  name: originGroupName
  parent: profile
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3 // three failed probes of four take an origin out, as the seed says
      additionalLatencyInMilliseconds: additionalLatencyInMilliseconds
    }
    healthProbeSettings: {
      probePath: healthProbePath
      probeRequestType: 'HEAD'
      probeProtocol: 'Https'
      probeIntervalInSeconds: healthProbeIntervalInSeconds
    }
    sessionAffinityState: 'Disabled'
  }
}

resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  name: 'default'
  parent: endpoint
  properties: {
    originGroup: {
      id: originGroup.id
    }
    supportedProtocols: ['Https']
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    patternsToMatch: ['/*']
    enabledState: 'Enabled'
  }
}

resource wafPolicy 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies@2024-02-01' = {
  name: replace('waf${name}', '-', '')
  location: 'global'
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    policySettings: {
      enabledState: 'Enabled'
      mode: 'Prevention'
      requestBodyCheck: 'Enabled'
    }
    managedRules: {
      managedRuleSets: skuName == 'Premium_AzureFrontDoor'
        ? [
            {
              ruleSetType: 'Microsoft_DefaultRuleSet'
              ruleSetVersion: '2.1'
              ruleSetAction: 'Block'
            }
            {
              ruleSetType: 'Microsoft_BotManagerRuleSet'
              ruleSetVersion: '1.1'
            }
          ]
        : []
    }
  }
}

resource securityPolicy 'Microsoft.Cdn/profiles/securityPolicies@2025-04-15' = {
  name: 'waf'
  parent: profile
  properties: {
    parameters: {
      type: 'WebApplicationFirewall'
      wafPolicy: {
        id: wafPolicy.id
      }
      associations: [
        {
          domains: [
            {
              id: endpoint.id
            }
          ]
          patternsToMatch: ['/*']
        }
      ]
    }
  }
}

resource profileDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: profile
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

resource profileLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: profile
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

resource profileRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(profile.id, assignment.principalId, assignment.roleDefinitionId)
    scope: profile
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

@description('The name of the Front Door profile.')
output name string = profile.name

@description('The resource ID of the Front Door profile.')
output resourceId string = profile.id

@description('The resource group the profile was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = profile.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = profile.?identity.?principalId

@description('The Front Door ID, sent as the X-Azure-FDID header; a stamp\'s ingress accepts only requests carrying it.')
output frontDoorId string = profile.properties.frontDoorId

@description('The host name of the endpoint.')
output endpointHostName string = endpoint.properties.hostName

@description('The name of the origin group the stamps are registered in.')
output originGroupName string = originGroup.name

@description('The resource ID of the origin group.')
output originGroupResourceId string = originGroup.id
