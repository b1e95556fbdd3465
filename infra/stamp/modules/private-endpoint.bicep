metadata name = 'Private endpoint'
metadata description = 'One private endpoint to a resource that exposes one sub-resource, with its private DNS zone group: the one private endpoint every data service of the stamp uses, as AVM resource modules all use avm/res/network/private-endpoint.'

import { privateEndpointSingleServiceType } from '../types/avm-common-types.bicep'

@description('Required. The endpoint as the resource module was given it.')
param endpoint privateEndpointSingleServiceType

@description('Required. Resource ID of the resource the endpoint connects to.')
param privateLinkServiceId string

@description('Required. Name of that resource: the endpoint is named after it.')
param resourceName string

@description('Required. The main sub-resource (group id) of the resource type, used when the endpoint names none.')
param defaultService string

@description('Required. The position of the endpoint among the resource\'s endpoints, part of its default name.')
param index int

@description('Optional. Location of the resource: the endpoint\'s unless it names its own.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource: the endpoint\'s unless it names its own.')
param tags object?

var service = endpoint.?service ?? defaultService

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: endpoint.?name ?? 'pep-${resourceName}-${service}-${index}'
  location: endpoint.?location ?? location
  tags: endpoint.?tags ?? tags
  properties: {
    subnet: {
      id: endpoint.subnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: '${resourceName}-${service}-${index}'
        properties: {
          privateLinkServiceId: privateLinkServiceId
          groupIds: [service]
        }
      }
    ]
  }
}

resource privateDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = if (endpoint.?privateDnsZoneGroup != null) {
  name: endpoint.?privateDnsZoneGroup.?name ?? 'default'
  parent: privateEndpoint
  properties: {
    privateDnsZoneConfigs: [
      for config in (endpoint.?privateDnsZoneGroup.?privateDnsZoneGroupConfigs ?? []): {
        name: config.?name ?? replace(last(split(config.privateDnsZoneResourceId, '/')), '.', '-')
        properties: {
          privateDnsZoneId: config.privateDnsZoneResourceId
        }
      }
    ]
  }
}

@description('The name of the private endpoint.')
output name string = privateEndpoint.name

@description('The resource ID of the private endpoint.')
output resourceId string = privateEndpoint.id
