metadata name = 'Key Vault key'
metadata description = 'An HSM-backed key (RSA-HSM or EC-HSM only) in an existing Key Vault, with a rotation policy (AVM res/key-vault/vault/key interface).'

import { lockType, roleAssignmentType, roleDefinitionIdFor } from '../types/avm-common-types.bicep'
import { builtInRoles, roleDefinitionIds } from '../../roles/roles.bicep'

@description('Required. The name of the parent Key Vault.')
param keyVaultName string

@description('Required. The name of the key.')
param name string

@description('Optional. The key type. Only HSM-backed types are accepted.')
param kty ('RSA-HSM' | 'EC-HSM') = 'RSA-HSM'

@description('Optional. The RSA key size in bits (RSA-HSM only).')
@allowed([
  3072
  4096
])
param keySize int = 4096

@description('Optional. The elliptic curve (EC-HSM only).')
param curveName ('P-256' | 'P-384' | 'P-521') = 'P-384'

@description('Optional. The operations the key can perform.')
param keyOps ('decrypt' | 'encrypt' | 'sign' | 'unwrapKey' | 'verify' | 'wrapKey')[] = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']

@description('Optional. Rotate the key automatically after this ISO 8601 duration.')
param rotateAfter string = 'P180D'

@description('Optional. The key expires this ISO 8601 duration after creation or rotation.')
param expiryTime string = 'P2Y'

@description('Optional. The lock settings of the service.')
param lock lockType?

@description('Optional. Array of role assignments to create.')
param roleAssignments roleAssignmentType[]?

@description('Optional. Tags of the resource.')
param tags object?

var builtInRoleNames = roleDefinitionIds(builtInRoles, [
  'Key Vault Crypto Officer'
  'Key Vault Crypto Service Encryption User'
  'Key Vault Crypto User'
  'Reader'
])

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource key 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {
  name: name
  parent: keyVault
  tags: tags
  properties: {
    kty: kty
    keySize: kty == 'RSA-HSM' ? keySize : null
    curveName: kty == 'EC-HSM' ? curveName : null
    keyOps: keyOps
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: expiryTime
      }
      lifetimeActions: [
        {
          action: {
            type: 'rotate'
          }
          trigger: {
            timeAfterCreate: rotateAfter
          }
        }
        {
          action: {
            type: 'notify'
          }
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
        }
      ]
    }
  }
}

resource keyLock 'Microsoft.Authorization/locks@2020-05-01' = if (!empty(lock ?? {}) && lock.?kind != 'None') {
  name: lock.?name ?? 'lock-${name}'
  scope: key
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

resource keyRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in formattedRoleAssignments: {
    name: assignment.?name ?? guid(key.id, assignment.principalId, assignment.roleDefinitionId)
    scope: key
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

@description('The name of the key.')
output name string = key.name

@description('The resource ID of the key.')
output resourceId string = key.id

@description('The URI of the key (versionless, so consumers follow rotation).')
output keyUri string = key.properties.keyUri

@description('The URI of the current version of the key.')
output keyUriWithVersion string = key.properties.keyUriWithVersion

@description('The resource group the key was deployed into.')
output resourceGroupName string = resourceGroup().name
