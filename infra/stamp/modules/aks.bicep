metadata name = 'AKS cluster'
metadata description = '''
An AKS cluster for a stamp (AVM res/container-service/managed-cluster interface): a system pool and
autoscaling user and inference pools, no public IPs on nodes, private API server, Microsoft Entra
RBAC with local accounts disabled, OIDC issuer and workload identity, Azure CNI overlay powered by
Cilium with network policy, egress through the hub firewall (userDefinedRouting), etcd encryption
with a Key Vault key (KMS), Container Insights to the global workspace, the Azure Policy add-on,
GitOps with the Flux extension, and the capacity alerts that feed the control plane.
'''

import { diagnosticSettingFullType, lockType, managedIdentityAllType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. Name of the cluster.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. The Kubernetes version (major.minor).')
param kubernetesVersion string = '1.29'

@description('Optional. The cluster tier. 1.29 is past community support and runs only with Long Term Support, which needs Premium.')
param skuTier ('Free' | 'Standard' | 'Premium') = 'Premium'

@description('Optional. The support plan. AKSLongTermSupport keeps 1.29 patched.')
param supportPlan ('KubernetesOfficial' | 'AKSLongTermSupport') = 'AKSLongTermSupport'

@description('Required. Resource ID of the subnet the nodes are placed in. Its route table must send 0.0.0.0/0 to the firewall.')
param nodeSubnetResourceId string

@description('Required. The system, user and inference node pools.')
param agentPools agentPoolType[]

@description('Required. Resource ID of the user-assigned identity of the kubelet (pulls images).')
param kubeletIdentityResourceId string

@description('Required. Resource ID of the Log Analytics workspace for Container Insights.')
param logAnalyticsWorkspaceResourceId string

@description('Optional. etcd encryption with a Key Vault key (KMS). The cluster identity needs Key Vault Crypto User on the key.')
param kms kmsType?

@description('Optional. Object IDs of Microsoft Entra groups that administer the cluster.')
param adminGroupObjectIds string[] = []

@description('Optional. GitOps: the Flux configuration that deploys the stamp\'s applications. The Flux extension is installed either way.')
param gitOps gitOpsType?

@description('Optional. Capacity alerts on node CPU, sent to the control plane\'s action group.')
param capacityAlerts capacityAlertsType?

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

@export()
@description('A node pool.')
type agentPoolType = {
  @description('Required. The name of the pool: lowercase letters and digits, at most 12.')
  @maxLength(12)
  name: string

  @description('Required. System pools run cluster add-ons only; User pools run workloads.')
  mode: ('System' | 'User')

  @description('Required. The VM size of the nodes.')
  vmSize: string

  @description('Required. The initial node count (with autoscaling, within minCount..maxCount).')
  count: int

  @description('Optional. Enable the cluster autoscaler for the pool. Default false.')
  enableAutoScaling: bool?

  @description('Optional. The fewest nodes the autoscaler keeps.')
  minCount: int?

  @description('Optional. The most nodes the autoscaler adds.')
  maxCount: int?

  @description('Optional. Kubernetes labels of the nodes.')
  nodeLabels: object?

  @description('Optional. Kubernetes taints of the nodes, e.g. workload=inference:NoSchedule.')
  nodeTaints: string[]?
}

@export()
@description('etcd encryption at rest with a Key Vault key.')
type kmsType = {
  @description('Required. The versioned URI of the key.')
  keyUriWithVersion: string

  @description('Required. Resource ID of the (private) Key Vault holding the key.')
  keyVaultResourceId: string
}

@export()
@description('The Git repository Flux reconciles the stamp\'s applications from.')
type gitOpsType = {
  @description('Required. The HTTPS URL of the Git repository.')
  url: string

  @description('Optional. The branch. Default main.')
  branch: string?

  @description('Optional. The path of the kustomization in the repository. Default ./.')
  path: string?
}

@export()
@description('Capacity alerts on average node CPU.')
type capacityAlertsType = {
  @description('Required. Resource ID of the action group to notify (the control plane\'s).')
  actionGroupResourceId: string

  @description('Optional. Scale out above this average node CPU percentage. Default 75.')
  scaleOutCpuPercent: int?

  @description('Optional. Scale in below this average node CPU percentage. Default 20.')
  scaleInCpuPercent: int?
}

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Azure Kubernetes Service Cluster Admin Role'
  'Azure Kubernetes Service Cluster User Role'
  'Azure Kubernetes Service Contributor Role'
  'Azure Kubernetes Service RBAC Admin'
  'Azure Kubernetes Service RBAC Cluster Admin'
  'Azure Kubernetes Service RBAC Reader'
  'Azure Kubernetes Service RBAC Writer'
  'Reader'
])

var formattedUserAssignedIdentities = reduce(
  map((managedIdentities.?userAssignedResourceIds ?? []), (id) => { '${id}': {} }),
  {},
  (cur, next) => union(cur, next)
)

// AKS takes exactly one kind: the user-assigned control-plane identity, else a system-assigned one.
var identity = !empty(formattedUserAssignedIdentities)
  ? {
      type: 'UserAssigned'
      userAssignedIdentities: formattedUserAssignedIdentities
    }
  : {
      type: 'SystemAssigned'
    }

resource managedCluster 'Microsoft.ContainerService/managedClusters@2025-05-01' = {
  name: name
  location: location
  tags: tags
  identity: identity
  sku: {
    name: 'Base'
    tier: skuTier
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    supportPlan: supportPlan
    dnsPrefix: name
    disableLocalAccounts: true
    enableRBAC: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
      adminGroupObjectIDs: adminGroupObjectIds
      tenantID: subscription().tenantId
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
      privateDNSZone: 'system'
    }
    identityProfile: {
      kubeletidentity: {
        resourceId: kubeletIdentityResourceId
      }
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      imageCleaner: {
        enabled: true
        intervalHours: 48
      }
      azureKeyVaultKms: kms == null
        ? null
        : {
            enabled: true
            keyId: kms!.keyUriWithVersion
            keyVaultNetworkAccess: 'Private'
            keyVaultResourceId: kms!.keyVaultResourceId
          }
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkDataplane: 'cilium'
      networkPolicy: 'cilium'
      podCidr: '192.168.0.0/16'
      serviceCidr: '172.16.0.0/16'
      dnsServiceIP: '172.16.0.10'
      outboundType: 'userDefinedRouting'
      loadBalancerSku: 'standard'
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
    agentPoolProfiles: [
      for pool in agentPools: {
        name: pool.name
        mode: pool.mode
        vmSize: pool.vmSize
        count: pool.count
        enableAutoScaling: pool.?enableAutoScaling ?? false
        minCount: (pool.?enableAutoScaling ?? false) ? pool.?minCount : null
        maxCount: (pool.?enableAutoScaling ?? false) ? pool.?maxCount : null
        enableNodePublicIP: false
        osType: 'Linux'
        osSKU: 'AzureLinux'
        osDiskType: 'Managed' // Standard_D4s_v3's 100 GiB cache is too small for a 128 GB ephemeral OS disk
        osDiskSizeGB: 128
        type: 'VirtualMachineScaleSets'
        availabilityZones: ['1', '2', '3']
        vnetSubnetID: nodeSubnetResourceId
        maxPods: 110
        nodeLabels: pool.?nodeLabels ?? {}
        nodeTaints: pool.?nodeTaints ?? []
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
    ]
    addonProfiles: {
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceResourceId
          useAADAuth: 'true'
        }
      }
      azurepolicy: {
        enabled: true
      }
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
        }
      }
    }
  }
}

resource fluxExtension 'Microsoft.KubernetesConfiguration/extensions@2023-05-01' = {
  name: 'flux'
  scope: managedCluster
  properties: {
    extensionType: 'microsoft.flux'
    autoUpgradeMinorVersion: true
    releaseTrain: 'Stable'
    scope: {
      cluster: {
        releaseNamespace: 'flux-system'
      }
    }
  }
}

resource fluxConfiguration 'Microsoft.KubernetesConfiguration/fluxConfigurations@2023-05-01' = if (gitOps != null) {
  name: 'stamp-apps'
  scope: managedCluster
  properties: {
    scope: 'cluster'
    namespace: 'flux-system'
    sourceKind: 'GitRepository'
    suspend: false
    gitRepository: {
      url: gitOps.?url ?? ''
      repositoryRef: {
        branch: gitOps.?branch ?? 'main'
      }
      syncIntervalInSeconds: 120
      timeoutInSeconds: 600
    }
    kustomizations: {
      apps: {
        path: gitOps.?path ?? './'
        prune: true
        syncIntervalInSeconds: 120
        timeoutInSeconds: 600
      }
    }
  }
  dependsOn: [fluxExtension]
}

// Capacity signals for the control plane: node CPU high (scale out) and low (scale in). The
// alert rule lives with the cluster, so it disappears when the stamp is purged.
var capacityAlertRules = capacityAlerts == null
  ? []
  : [
      {
        name: 'capacity-high-${name}'
        operator: 'GreaterThan'
        threshold: capacityAlerts.?scaleOutCpuPercent ?? 75
        description: 'Stamp capacity high: average node CPU above the scale-out threshold.'
      }
      {
        name: 'capacity-low-${name}'
        operator: 'LessThan'
        threshold: capacityAlerts.?scaleInCpuPercent ?? 20
        description: 'Stamp capacity low: average node CPU below the scale-in threshold.'
      }
    ]

resource capacityAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for rule in capacityAlertRules: {
    name: rule.name
    location: 'global'
    tags: tags
    properties: {
      description: rule.description
      severity: 2
      enabled: true
      scopes: [managedCluster.id]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      targetResourceType: 'Microsoft.ContainerService/managedClusters'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'node-cpu'
            metricNamespace: 'Microsoft.ContainerService/managedClusters'
            metricName: 'node_cpu_usage_percentage'
            operator: rule.operator
            threshold: rule.threshold
            timeAggregation: 'Average'
          }
        ]
      }
      actions: [
        {
          #disable-next-line use-resource-id-functions // a resource ID passed in by the caller (part of a typed parameter)
          actionGroupId: capacityAlerts.?actionGroupResourceId ?? ''
        }
      ]
    }
  }
]

resource managedClusterDiagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for setting in (diagnosticSettings ?? []): {
    name: setting.?name ?? '${name}-diagnosticSettings'
    scope: managedCluster
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

resource managedClusterLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: managedCluster
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

resource managedClusterRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(managedCluster.id, assignment.principalId, assignment.roleDefinitionId)
    scope: managedCluster
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

@description('The name of the cluster.')
output name string = managedCluster.name

@description('The resource ID of the cluster.')
output resourceId string = managedCluster.id

@description('The resource group the cluster was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the resource was deployed into.')
output location string = managedCluster.location

@description('The principal ID of the system-assigned managed identity, if enabled.')
output systemAssignedMIPrincipalId string? = managedCluster.?identity.?principalId

@description('The OIDC issuer URL of the cluster, for workload identity federated credentials.')
output oidcIssuerUrl string = managedCluster.properties.oidcIssuerProfile.issuerURL

@description('The object ID of the kubelet identity.')
output kubeletIdentityObjectId string = managedCluster.properties.identityProfile.kubeletidentity.objectId

@description('The node resource group (managed by AKS).')
output nodeResourceGroup string = managedCluster.properties.nodeResourceGroup
