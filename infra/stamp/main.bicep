targetScope = 'subscription'

metadata name = 'Synaxis stamp'
metadata description = '''
One deployment stamp (scale unit) in one region: its own resource group rg-synaxis-stamp-{stampId}
with a hub-spoke network (Azure Firewall restricting egress and publishing ingress), AKS, ACR,
Cosmos DB, Redis Enterprise, Service Bus, PostgreSQL, Key Vault and private endpoints for every
data service. Global resources (Front Door, the Log Analytics workspace) are in infra/global and
are passed in; the control plane registers the stamp's origin (output originHostName) in Front Door.
The parameters are the contract with the Deployer: shared/ports/stampTemplate.ts.
'''

import { cosmosDbSqlRoles } from '../roles/roles.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters: exactly what the Deployer passes (shared/ports/stampTemplate.ts)
// ---------------------------------------------------------------------------------------------

@description('Required. The stamp id, e.g. weu-001: lowercase letters, digits and hyphens. Names every resource of the stamp.')
@minLength(3)
@maxLength(12)
param stampId string

@description('Required. The Azure region of the stamp, e.g. westeurope.')
param location string

@description('Required. The environment the stamp belongs to.')
param environment ('production' | 'staging' | 'development')

@description('Required. The generation of the stamp\'s desired state; recorded in tags so a deployment can be matched to it.')
@minValue(1)
param generation int

@description('Required. Resource ID of the global Log Analytics workspace that outlives the stamp; every diagnostic setting sends there.')
param logAnalyticsWorkspaceId string

@description('Optional. Resource ID of the control plane\'s action group; when set, the stamp\'s capacity alerts notify it.')
param actionGroupResourceId string = ''

@description('Optional. HTTPS URL of the Git repository Flux deploys the stamp\'s applications from; when empty, Flux is installed without a configuration.')
param gitOpsRepositoryUrl string = ''

@description('Optional. The region ACR replicates to and Cosmos DB fails over to. Defaults to the region\'s pair.')
param secondaryLocation string = ''

// ---------------------------------------------------------------------------------------------
// Names and constants
// ---------------------------------------------------------------------------------------------

// Azure region pairs for the three production regions; any other region must pass secondaryLocation.
var regionPairs = {
  westeurope: 'northeurope'
  northeurope: 'westeurope'
  eastus: 'westus'
  westus: 'eastus'
  southeastasia: 'eastasia'
  eastasia: 'southeastasia'
}
var replicaLocation = !empty(secondaryLocation) ? secondaryLocation : regionPairs[location]

// Globally unique names need a suffix; it is derived from the subscription and the stamp id, so a
// redeployment of the same stamp targets the same resources (stamp ids are never reused).
var suffix = take(uniqueString(subscription().id, stampId), 6)
var compactId = replace(stampId, '-', '')
var resourceGroupName = 'rg-synaxis-stamp-${stampId}'

var names = {
  hubVnet: 'vnet-hub-${stampId}'
  spokeVnet: 'vnet-spoke-${stampId}'
  nsgNodes: 'nsg-nodes-${stampId}'
  nsgIngress: 'nsg-ingress-${stampId}'
  nsgEndpoints: 'nsg-pep-${stampId}'
  routeTable: 'rt-spoke-${stampId}'
  firewallPolicy: 'afwp-${stampId}'
  firewall: 'afw-${stampId}'
  keyVault: 'kv-${stampId}-${suffix}'
  etcdKey: 'aks-etcd'
  clusterIdentity: 'id-aks-${stampId}'
  kubeletIdentity: 'id-kubelet-${stampId}'
  workloadIdentity: 'id-workload-${stampId}'
  cluster: 'aks-synaxis-${stampId}'
  registry: 'acrsynaxis${compactId}${suffix}'
  cosmos: 'cosmos-synaxis-${stampId}-${suffix}'
  serviceBus: 'sb-synaxis-${stampId}-${suffix}'
  redis: 'redis-synaxis-${stampId}-${suffix}'
  postgresql: 'psql-synaxis-${stampId}-${suffix}'
  ingressDnsLabel: 'synaxis-${stampId}-${suffix}'
}

var hubAddressSpace = '10.0.0.0/22'
var spokeAddressSpace = '10.1.0.0/16'
var nodesSubnetPrefix = '10.1.0.0/20'
var ingressSubnetPrefix = '10.1.16.0/24'
var endpointsSubnetPrefix = '10.1.17.0/24'
// The ingress controller's internal load balancer takes this address (GitOps sets it on the
// Service); the firewall publishes it on its public IP (DNAT), which Front Door reaches.
var ingressPrivateIp = '10.1.16.10'

var tags = {
  'synaxis-stamp': stampId
  'synaxis-environment': environment
  'synaxis-generation': string(generation)
}

var diagnostics = [
  {
    workspaceResourceId: logAnalyticsWorkspaceId
  }
]

var privateDnsZoneNames = {
  vault: 'privatelink.vaultcore.azure.net'
  registry: 'privatelink.azurecr.io'
  cosmos: 'privatelink.documents.azure.com'
  serviceBus: 'privatelink.servicebus.windows.net'
  redis: 'privatelink.redis.azure.net'
  postgresql: 'privatelink.postgres.database.azure.com'
}

// Built-in policies the Azure Policy add-on enforces in the cluster (pod security baseline).
var policyAssignments = [
  {
    name: 'aks-no-privileged-containers'
    displayName: 'Kubernetes cluster should not allow privileged containers'
    definitionId: '95edb821-ddaf-4404-9732-666045e056b4'
  }
  {
    name: 'aks-https-ingress-only'
    displayName: 'Kubernetes clusters should be accessible only over HTTPS'
    definitionId: '1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d'
  }
  {
    name: 'aks-no-host-pid-ipc'
    displayName: 'Kubernetes cluster containers should not share host process ID or host IPC namespace'
    definitionId: '47a1ee2f-2a2a-4576-bf2a-e0e36709c2b8'
  }
]

var gitOpsHost = empty(gitOpsRepositoryUrl) ? '' : split(split(gitOpsRepositoryUrl, '://')[1], '/')[0]

// Egress: the spoke reaches only what AKS, its add-ons and GitOps need; everything else is denied.
var egressRuleCollectionGroup = {
  name: 'egress'
  priority: 200
  ruleCollections: [
    {
      ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
      name: 'allow-network'
      priority: 100
      action: {
        type: 'Allow'
      }
      rules: [
        {
          ruleType: 'NetworkRule'
          name: 'ntp'
          ipProtocols: ['UDP']
          sourceAddresses: [spokeAddressSpace]
          destinationAddresses: ['*']
          destinationPorts: ['123']
        }
        {
          ruleType: 'NetworkRule'
          name: 'azure-monitor'
          ipProtocols: ['TCP']
          sourceAddresses: [spokeAddressSpace]
          destinationAddresses: ['AzureMonitor']
          destinationPorts: ['443']
        }
      ]
    }
    {
      ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
      name: 'allow-application'
      priority: 200
      action: {
        type: 'Allow'
      }
      rules: concat(
        [
          {
            ruleType: 'ApplicationRule'
            name: 'aks-required'
            sourceAddresses: [spokeAddressSpace]
            fqdnTags: ['AzureKubernetesService']
            protocols: [
              {
                protocolType: 'Https'
                port: 443
              }
              {
                protocolType: 'Http'
                port: 80
              }
            ]
          }
          {
            ruleType: 'ApplicationRule'
            name: 'aks-addons'
            sourceAddresses: [spokeAddressSpace]
            targetFqdns: [
              'data.policy.${az.environment().suffixes.storage}'
              'store.policy.${az.environment().suffixes.storage}'
              '*.dp.kubernetesconfiguration.azure.com'
              '*.ods.opinsights.azure.com'
              '*.oms.opinsights.azure.com'
              '*.monitoring.azure.com'
              '*.ingest.monitor.azure.com'
              '*.handler.control.monitor.azure.com'
            ]
            protocols: [
              {
                protocolType: 'Https'
                port: 443
              }
            ]
          }
        ],
        empty(gitOpsHost)
          ? []
          : [
              {
                ruleType: 'ApplicationRule'
                name: 'gitops-repository'
                sourceAddresses: [spokeAddressSpace]
                targetFqdns: [gitOpsHost]
                protocols: [
                  {
                    protocolType: 'Https'
                    port: 443
                  }
                ]
              }
            ]
      )
    }
  ]
}

// ---------------------------------------------------------------------------------------------
// Resource group
// ---------------------------------------------------------------------------------------------

resource stampResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------
// Identities
// ---------------------------------------------------------------------------------------------

module clusterIdentity 'modules/identity.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-id-aks'
  params: {
    name: names.clusterIdentity
    location: location
    tags: tags
  }
}

module kubeletIdentity 'modules/identity.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-id-kubelet'
  params: {
    name: names.kubeletIdentity
    location: location
    tags: tags
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Managed Identity Operator'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module workloadIdentity 'modules/identity.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-id-workload'
  params: {
    name: names.workloadIdentity
    location: location
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------------
// Network: hub (firewall) and spoke (nodes, ingress, private endpoints)
// ---------------------------------------------------------------------------------------------

module hubNetwork 'modules/vnet.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-vnet-hub'
  params: {
    name: names.hubVnet
    location: location
    tags: tags
    addressPrefixes: [hubAddressSpace]
    subnets: [
      {
        name: 'AzureFirewallSubnet'
        addressPrefix: '10.0.0.0/26'
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module firewallPolicy 'modules/firewall-policy.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-afwp'
  params: {
    name: names.firewallPolicy
    location: location
    tags: tags
    ruleCollectionGroups: [egressRuleCollectionGroup]
  }
}

module firewall 'modules/firewall.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-afw'
  params: {
    name: names.firewall
    location: location
    tags: tags
    firewallSubnetResourceId: hubNetwork.outputs.subnetResourceIds[0]
    firewallPolicyResourceId: firewallPolicy.outputs.resourceId
    publicIpDnsLabel: names.ingressDnsLabel
    diagnosticSettings: diagnostics
  }
}

// Ingress: the firewall's public IP is known only now, so the DNAT rules are a second, later
// deployment of the same policy (incremental and idempotent: the egress group is unchanged).
module firewallPolicyIngress 'modules/firewall-policy.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-afwp-ingress'
  params: {
    name: names.firewallPolicy
    location: location
    tags: tags
    ruleCollectionGroups: [
      egressRuleCollectionGroup
      {
        name: 'ingress'
        priority: 100
        ruleCollections: [
          {
            ruleCollectionType: 'FirewallPolicyNatRuleCollection'
            name: 'front-door-to-ingress'
            priority: 100
            action: {
              type: 'DNAT'
            }
            rules: [
              {
                ruleType: 'NatRule'
                name: 'https'
                ipProtocols: ['TCP']
                sourceAddresses: ['*'] // the ingress accepts only requests with this Front Door's X-Azure-FDID
                destinationAddresses: [firewall.outputs.publicIpAddress]
                destinationPorts: ['443']
                translatedAddress: ingressPrivateIp
                translatedPort: '443'
              }
            ]
          }
        ]
      }
    ]
  }
}

module routeTable 'modules/route-table.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-rt'
  params: {
    name: names.routeTable
    location: location
    tags: tags
    routes: [
      {
        name: 'default-via-firewall'
        properties: {
          addressPrefix: '0.0.0.0/0'
          nextHopType: 'VirtualAppliance'
          nextHopIpAddress: firewall.outputs.privateIpAddress
        }
      }
    ]
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Network Contributor'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module nsgNodes 'modules/nsg.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-nsg-nodes'
  params: {
    name: names.nsgNodes
    location: location
    tags: tags
    diagnosticSettings: diagnostics
  }
}

module nsgIngress 'modules/nsg.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-nsg-ingress'
  params: {
    name: names.nsgIngress
    location: location
    tags: tags
    securityRules: [
      {
        name: 'allow-https-from-firewall'
        properties: {
          access: 'Allow'
          direction: 'Inbound'
          priority: 100
          protocol: 'Tcp'
          sourceAddressPrefix: '10.0.0.0/26'
          destinationAddressPrefix: ingressSubnetPrefix
          destinationPortRange: '443'
        }
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module nsgEndpoints 'modules/nsg.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-nsg-pep'
  params: {
    name: names.nsgEndpoints
    location: location
    tags: tags
    securityRules: [
      {
        name: 'allow-spoke'
        properties: {
          access: 'Allow'
          direction: 'Inbound'
          priority: 100
          protocol: 'Tcp'
          sourceAddressPrefix: spokeAddressSpace
          destinationAddressPrefix: endpointsSubnetPrefix
        }
      }
      {
        name: 'deny-other-vnet-traffic'
        properties: {
          access: 'Deny'
          direction: 'Inbound'
          priority: 4000
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          destinationAddressPrefix: endpointsSubnetPrefix
        }
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module spokeNetwork 'modules/vnet.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-vnet-spoke'
  params: {
    name: names.spokeVnet
    location: location
    tags: tags
    addressPrefixes: [spokeAddressSpace]
    subnets: [
      {
        name: 'snet-nodes'
        addressPrefix: nodesSubnetPrefix
        networkSecurityGroupResourceId: nsgNodes.outputs.resourceId
        routeTableResourceId: routeTable.outputs.resourceId
      }
      {
        name: 'snet-ingress'
        addressPrefix: ingressSubnetPrefix
        networkSecurityGroupResourceId: nsgIngress.outputs.resourceId
        routeTableResourceId: routeTable.outputs.resourceId
      }
      {
        name: 'snet-private-endpoints'
        addressPrefix: endpointsSubnetPrefix
        networkSecurityGroupResourceId: nsgEndpoints.outputs.resourceId
        privateEndpointNetworkPolicies: 'Enabled'
      }
    ]
    peerings: [
      {
        remoteVirtualNetworkResourceId: hubNetwork.outputs.resourceId
        remotePeeringEnabled: true
      }
    ]
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Network Contributor'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module privateDnsZones 'modules/private-dns-zone.bicep' = [
  for zone in items(privateDnsZoneNames): {
    scope: stampResourceGroup
    name: 'stamp-${stampId}-dns-${zone.key}'
    params: {
      name: zone.value
      tags: tags
      virtualNetworkLinks: [
        {
          virtualNetworkResourceId: hubNetwork.outputs.resourceId
        }
        {
          virtualNetworkResourceId: spokeNetwork.outputs.resourceId
        }
      ]
    }
  }
]

// The zone modules are in the order of items(), which sorts by key: each service picks its
// zone by key through this list, never by position.
var dnsZoneKeys = map(items(privateDnsZoneNames), zone => zone.key)
var endpointsSubnetId = spokeNetwork.outputs.subnetResourceIds[2]

// ---------------------------------------------------------------------------------------------
// Key Vault and the etcd encryption key
// ---------------------------------------------------------------------------------------------

module keyVault 'modules/keyvault.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-kv'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'vault')].outputs.resourceId }]
        }
      }
    ]
    roleAssignments: [
      {
        // KMS with a private vault: AKS creates its own private link to the vault.
        roleDefinitionIdOrName: 'Key Vault Contributor'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
      {
        roleDefinitionIdOrName: 'Key Vault Secrets User'
        principalId: workloadIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module etcdKey 'modules/keyvault-key.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-kv-key'
  params: {
    keyVaultName: names.keyVault
    name: names.etcdKey
    kty: 'RSA-HSM'
    keySize: 4096
    tags: tags
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Key Vault Crypto User'
        principalId: clusterIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
  dependsOn: [keyVault]
}

// ---------------------------------------------------------------------------------------------
// Container registry
// ---------------------------------------------------------------------------------------------

module registry 'modules/acr.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-acr'
  params: {
    name: names.registry
    location: location
    tags: tags
    replicationLocations: [replicaLocation]
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'registry')].outputs.resourceId }]
        }
      }
    ]
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'AcrPull'
        principalId: kubeletIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    diagnosticSettings: diagnostics
  }
}

// ---------------------------------------------------------------------------------------------
// Data services
// ---------------------------------------------------------------------------------------------

module cosmos 'modules/cosmos.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-cosmos'
  params: {
    name: names.cosmos
    location: location
    tags: tags
    failoverLocations: [
      {
        locationName: location
      }
      {
        locationName: replicaLocation
      }
    ]
    sqlDatabases: [
      {
        name: 'synaxis'
        containers: [
          {
            name: 'tenants'
            partitionKeyPath: '/tenantId'
          }
        ]
      }
    ]
    sqlRoleAssignments: [
      {
        principalId: workloadIdentity.outputs.principalId
        roleDefinitionId: cosmosDbSqlRoles['Cosmos DB Built-in Data Contributor']
        scope: '/dbs/synaxis'
      }
    ]
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'cosmos')].outputs.resourceId }]
        }
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-sb'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    skuName: 'Premium'
    queues: [
      {
        name: 'work'
        requiresDuplicateDetection: true
        maxDeliveryCount: 10
      }
    ]
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'serviceBus')].outputs.resourceId }]
        }
      }
    ]
    roleAssignments: [
      {
        roleDefinitionIdOrName: 'Azure Service Bus Data Sender'
        principalId: workloadIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
      {
        roleDefinitionIdOrName: 'Azure Service Bus Data Receiver'
        principalId: workloadIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    diagnosticSettings: diagnostics
  }
}

module redisCluster 'modules/redis-enterprise.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-redis'
  params: {
    name: names.redis
    location: location
    tags: tags
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'redis')].outputs.resourceId }]
        }
      }
    ]
  }
}

module redisDatabase 'modules/redis.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-redis-db'
  params: {
    clusterName: names.redis
    accessPolicyAssignments: [
      {
        objectId: workloadIdentity.outputs.principalId
      }
    ]
    diagnosticSettings: diagnostics
  }
  dependsOn: [redisCluster]
}

module postgresql 'modules/postgresql.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-psql'
  params: {
    name: names.postgresql
    location: location
    tags: tags
    administrators: [
      {
        objectId: workloadIdentity.outputs.principalId
        principalName: names.workloadIdentity
        principalType: 'ServicePrincipal'
      }
    ]
    privateEndpoints: [
      {
        subnetResourceId: endpointsSubnetId
        privateDnsZoneGroup: {
          privateDnsZoneGroupConfigs: [{ privateDnsZoneResourceId: privateDnsZones[indexOf(dnsZoneKeys, 'postgresql')].outputs.resourceId }]
        }
      }
    ]
    diagnosticSettings: diagnostics
  }
}

// ---------------------------------------------------------------------------------------------
// AKS, workload identity and policy
// ---------------------------------------------------------------------------------------------

module cluster 'modules/aks.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-aks'
  params: {
    name: names.cluster
    location: location
    tags: tags
    kubernetesVersion: '1.29'
    managedIdentities: {
      userAssignedResourceIds: [clusterIdentity.outputs.resourceId]
    }
    kubeletIdentityResourceId: kubeletIdentity.outputs.resourceId
    nodeSubnetResourceId: spokeNetwork.outputs.subnetResourceIds[0]
    logAnalyticsWorkspaceResourceId: logAnalyticsWorkspaceId
    agentPools: [
      {
        name: 'system'
        mode: 'System'
        vmSize: 'Standard_D4s_v3'
        count: 3
        nodeTaints: ['CriticalAddonsOnly=true:NoSchedule']
      }
      {
        name: 'user'
        mode: 'User'
        vmSize: 'Standard_D8s_v3'
        count: 2
        enableAutoScaling: true
        minCount: 2
        maxCount: 10
        nodeLabels: {
          'synaxis.io/pool': 'user'
        }
      }
      {
        name: 'inference'
        mode: 'User'
        vmSize: 'Standard_D8s_v3'
        count: 1
        enableAutoScaling: true
        minCount: 1
        maxCount: 20
        nodeLabels: {
          'synaxis.io/pool': 'inference'
        }
        nodeTaints: ['synaxis.io/workload=inference:NoSchedule']
      }
    ]
    kms: {
      keyUriWithVersion: etcdKey.outputs.keyUriWithVersion
      keyVaultResourceId: keyVault.outputs.resourceId
    }
    gitOps: empty(gitOpsRepositoryUrl)
      ? null
      : {
          url: gitOpsRepositoryUrl
          branch: 'main'
          path: './stamps/${environment}'
        }
    capacityAlerts: empty(actionGroupResourceId)
      ? null
      : {
          actionGroupResourceId: actionGroupResourceId
        }
    diagnosticSettings: diagnostics
  }
  dependsOn: [
    // The default route must point at the firewall, and the firewall must allow AKS egress,
    // before nodes start (outboundType userDefinedRouting).
    firewallPolicyIngress
    registry
  ]
}

// Workload identity: pods with the service account synaxis/synaxis-workload get the workload
// identity's tokens. Same identity as above; this second, idempotent deployment adds the
// federated credential once the cluster's OIDC issuer exists.
module workloadIdentityFederation 'modules/identity.bicep' = {
  scope: stampResourceGroup
  name: 'stamp-${stampId}-id-workload-federation'
  params: {
    name: names.workloadIdentity
    location: location
    tags: tags
    federatedIdentityCredentials: [
      {
        name: 'synaxis-workload'
        issuer: cluster.outputs.oidcIssuerUrl
        subject: 'system:serviceaccount:synaxis:synaxis-workload'
      }
    ]
  }
}

module policies 'modules/policy-assignments.bicep' = [
  for policy in policyAssignments: {
    scope: stampResourceGroup
    name: 'stamp-${stampId}-policy-${policy.name}'
    params: {
      name: policy.name
      location: location
      displayName: policy.displayName
      policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', policy.definitionId)
      parameters: {
        effect: {
          value: 'Deny'
        }
      }
      nonComplianceMessage: 'Synaxis stamps enforce the pod security baseline.'
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Outputs: what the control plane reads (shared/ports/stampTemplate.ts)
// ---------------------------------------------------------------------------------------------

@description('The host name Front Door reaches the stamp at (the firewall\'s public IP, published to the ingress).')
output originHostName string = firewall.outputs.publicIpFqdn

@description('The name of the stamp\'s resource group; deleting it purges the stamp.')
output resourceGroupName string = stampResourceGroup.name

@description('The resource ID of the stamp\'s resource group.')
output resourceGroupId string = stampResourceGroup.id

@description('The resource ID of the AKS cluster.')
output aksClusterResourceId string = cluster.outputs.resourceId

@description('The name of the AKS cluster.')
output aksClusterName string = cluster.outputs.name

@description('The resource ID of the Key Vault.')
output keyVaultResourceId string = keyVault.outputs.resourceId

@description('The resource ID of the container registry.')
output containerRegistryResourceId string = registry.outputs.resourceId

@description('The resource ID of the Cosmos DB account.')
output cosmosAccountResourceId string = cosmos.outputs.resourceId

@description('The resource ID of the Service Bus namespace.')
output serviceBusNamespaceResourceId string = serviceBus.outputs.resourceId

@description('The resource ID of the Redis Enterprise cluster.')
output redisResourceId string = redisCluster.outputs.resourceId

@description('The resource ID of the PostgreSQL server.')
output postgresqlServerResourceId string = postgresql.outputs.resourceId

@description('The resource ID of the firewall\'s public IP (released when the stamp is purged).')
output publicIpResourceId string = firewall.outputs.publicIpResourceId

@description('The client ID of the workload identity that the stamp\'s applications use.')
output workloadIdentityClientId string = workloadIdentity.outputs.clientId
