import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { resourceTypeOf } from '../../shared/app/dryRun/resourceType';

describe("a what-if change's resource type, from its resource id", () => {
  const cases: [string, string][] = [
    ['/subscriptions/s/resourceGroups/rg-stamp-weu-001', 'Microsoft.Resources/resourceGroups'],
    [
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-weu-001',
      'Microsoft.ContainerService/managedClusters',
    ],
    [
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pep-1/privateDnsZoneGroups/default',
      'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    ],
    [
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/g',
      'Microsoft.Authorization/roleAssignments',
    ],
    ['not an id', 'unknown'],
  ];
  for (const [id, type] of cases) {
    it(`${id} → ${type}`, () => assert.equal(resourceTypeOf(id), type));
  }
});
