import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { permits, refusedWrites } from '../../shared/app/dryRun/armPermissions';

// Shapes of the built-in roles (their full lists are in infra/roles/built-in-roles.json).
const contributor = {
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'],
};
const policyContributor = { actions: ['Microsoft.Authorization/policyAssignments/*'], notActions: [] };
const rbacAdmin = { actions: ['Microsoft.Authorization/roleAssignments/*'], notActions: [] };

const rg = '/subscriptions/s/resourceGroups/rg-synaxis-stamp-weu-001';
const change = (type: string, changeType = 'Create') => ({
  resourceId: `${rg}/providers/${type}/x`,
  changeType,
});
const changes = [
  { resourceId: rg, changeType: 'Create' },
  change('Microsoft.ContainerService/managedClusters'),
  change('Microsoft.Authorization/policyAssignments'),
  change('Microsoft.Authorization/roleAssignments'),
  change('Microsoft.KeyVault/vaults', 'NoChange'),
];

describe('which writes of a what-if the roles refuse', () => {
  const cases: [string, (typeof contributor)[], string[]][] = [
    [
      'Contributor alone',
      [contributor],
      ['Microsoft.Authorization/policyAssignments/write', 'Microsoft.Authorization/roleAssignments/write'],
    ],
    [
      'Contributor and Resource Policy Contributor',
      [contributor, policyContributor],
      ['Microsoft.Authorization/roleAssignments/write'],
    ],
    ['the three roles the control plane holds', [contributor, policyContributor, rbacAdmin], []],
    [
      'no role',
      [],
      [
        'Microsoft.Resources/resourceGroups/write',
        'Microsoft.ContainerService/managedClusters/write',
        'Microsoft.Authorization/policyAssignments/write',
        'Microsoft.Authorization/roleAssignments/write',
      ],
    ],
  ];
  for (const [name, roles, refused] of cases) {
    it(`${name}: ${refused.length === 0 ? 'nothing refused' : refused.join(', ')}`, () => {
      assert.deepEqual(
        refusedWrites(changes, roles).map((r) => r.action),
        refused,
      );
    });
  }

  it('matches case-insensitively, and a NotAction subtracts from its own role only', () => {
    assert.ok(permits([contributor], 'microsoft.containerservice/MANAGEDCLUSTERS/write'));
    assert.ok(!permits([contributor], 'Microsoft.Authorization/policyAssignments/write'));
    assert.ok(permits([contributor, policyContributor], 'Microsoft.Authorization/policyAssignments/write'));
  });
});
