metadata name = 'Synaxis control plane network'
metadata description = '''
The control plane's virtual network: a subnet delegated to Microsoft.App/environments for the
Flex Consumption app's VNet integration (outbound through a NAT gateway, so ARM, Entra ID and
Front Door stay reachable with all traffic routed through the network), a subnet for the private
endpoints of the control plane's data services, and the private DNS zones those endpoints
register in, linked to the network.
'''

@description('Required. Region of the resources.')
param location string

@description('Required. Tags for every resource.')
param tags object

@description('Required. A unique token (uniqueString) that makes resource names unique.')
param resourceToken string

@description('Optional. Address space of the network: a /24 holds both subnets.')
param addressPrefix string = '10.90.0.0/24'

// Flex Consumption VNet integration: the subnet is delegated to Microsoft.App/environments and
// holds nothing else (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations,
// https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#enable-virtual-network-integration).
var functionsSubnetPrefix = cidrSubnet(addressPrefix, 25, 0)
var endpointsSubnetPrefix = cidrSubnet(addressPrefix, 26, 2)

// The zone of each data service's private endpoint, by group id
// (https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
var privateDnsZoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  cosmos: 'privatelink.documents.azure.com'
  serviceBus: 'privatelink.servicebus.windows.net'
  eventGrid: 'privatelink.eventgrid.azure.net'
}

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-nat-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: 'ng-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIpAddresses: [{ id: natIp.id }]
    idleTimeoutInMinutes: 4
  }
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-cp-${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: 'snet-functions'
        properties: {
          addressPrefix: functionsSubnetPrefix
          defaultOutboundAccess: false
          natGateway: { id: natGateway.id }
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: endpointsSubnetPrefix
          defaultOutboundAccess: false
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

module privateDnsZones '../stamp/modules/private-dns-zone.bicep' = [
  for zone in items(privateDnsZoneNames): {
    name: 'cp-dns-${zone.key}'
    params: {
      name: zone.value
      tags: tags
      virtualNetworkLinks: [
        {
          virtualNetworkResourceId: virtualNetwork.id
          registrationEnabled: false
        }
      ]
    }
  }
]

var dnsZoneKeys = map(items(privateDnsZoneNames), zone => zone.key)

@description('The resource ID of the virtual network.')
output virtualNetworkResourceId string = virtualNetwork.id

@description('The subnet the Function app integrates with.')
output functionsSubnetResourceId string = virtualNetwork.properties.subnets[0].id

@description('The subnet of the private endpoints.')
output endpointsSubnetResourceId string = virtualNetwork.properties.subnets[1].id

@export()
@description('The private DNS zone of each data service\'s private endpoint.')
type privateDnsZoneIdsType = {
  blob: string
  queue: string
  table: string
  cosmos: string
  serviceBus: string
  eventGrid: string
}

@description('The private DNS zone of each private endpoint, by service.')
output privateDnsZoneResourceIds privateDnsZoneIdsType = {
  blob: privateDnsZones[indexOf(dnsZoneKeys, 'blob')].outputs.resourceId
  queue: privateDnsZones[indexOf(dnsZoneKeys, 'queue')].outputs.resourceId
  table: privateDnsZones[indexOf(dnsZoneKeys, 'table')].outputs.resourceId
  cosmos: privateDnsZones[indexOf(dnsZoneKeys, 'cosmos')].outputs.resourceId
  serviceBus: privateDnsZones[indexOf(dnsZoneKeys, 'serviceBus')].outputs.resourceId
  eventGrid: privateDnsZones[indexOf(dnsZoneKeys, 'eventGrid')].outputs.resourceId
}
