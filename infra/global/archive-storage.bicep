metadata name = 'Archive storage'
metadata description = '''
The storage account that keeps retired stamps' archives: version-level immutability (WORM) on the
account and its archive container, so every blob the control plane writes carries its own
time-based retention policy and legal hold and cannot be changed or deleted while either holds;
no shared keys (Entra ID only), no public blob access, TLS 1.2, zone-redundant. With a subnet given,
public network access is off and a private endpoint serves the blob service.
https://learn.microsoft.com/azure/storage/blobs/immutable-version-level-worm-policies
'''

import { privateEndpointSingleServiceType } from '../stamp/types/avm-common-types.bicep'

@description('Required. The storage account name (3-24 lowercase letters and digits).')
param name string

@description('Required. The region.')
param location string

@description('Optional. The archive container.')
param containerName string = 'stamp-archives'

@description('Optional. A private endpoint for the blob service; without one the account keeps public network access (Entra ID only).')
param privateEndpoint privateEndpointSingleServiceType?

@description('Optional. Tags for every resource.')
param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Cool'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateEndpoint == null ? 'Enabled' : 'Disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateEndpoint == null ? 'Allow' : 'Deny'
    }
    // Version-level immutability support for every container; it can only be set when the
    // account is created.
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // Version-level immutability requires blob versioning.
    isVersioningEnabled: true
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

module blobEndpoint '../stamp/modules/private-endpoint.bicep' = if (privateEndpoint != null) {
  name: '${name}-pep-blob'
  params: {
    endpoint: privateEndpoint!
    privateLinkServiceId: account.id
    resourceName: name
    defaultService: 'blob'
    index: 0
    location: location
    tags: tags
  }
}

@description('The resource ID of the storage account.')
output resourceId string = account.id

@description('The storage account name.')
output name string = account.name

@description('The blob endpoint, https://<account>.blob.core.windows.net/ (STAMPS_ARCHIVE_BLOB_ENDPOINT).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('The archive container (STAMPS_ARCHIVE_CONTAINER).')
output containerName string = container.name
