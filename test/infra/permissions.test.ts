/**
 * Issue 11, defect 2: every stamp deployment failed with AuthorizationFailed, because the stamp
 * template writes Microsoft.Authorization/policyAssignments and the roles the control plane
 * granted its app (Contributor, whose NotActions exclude Microsoft.Authorization/*\/Write, and a
 * Role Based Access Control Administrator limited to role assignments) did not allow it.
 *
 * Here every resource type the compiled stamp template writes is checked against the roles the
 * compiled control-plane template grants the app (role definitions as data, cited in
 * infra/roles/built-in-roles.json), with ARM's rules (test/support/azureRbac.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { toArmParameters } from '../../shared/ports/stampTemplate';
import type { RoleGrant } from '../support/azureRbac';
import { refusedWrites } from '../support/templatePermissions';
import { appSubscriptionGrants, controlPlaneSnapshot } from './controlPlaneGrants';
import {
  compiled,
  type ParameterValue,
  type Snapshot,
  snapshot,
  SUBSCRIPTION_ID,
  templateResources,
} from './support';

const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-global-production/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-production`;
const ACTION_GROUP_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-cp-prod/providers/Microsoft.Insights/actionGroups/ag-test`;

function stampParameters(): Record<string, ParameterValue> {
  const plain: Record<string, ParameterValue> = {};
  const arm = toArmParameters({
    stampId: 'weu-002',
    location: 'westeurope',
    environment: 'production',
    generation: 1,
    logAnalyticsWorkspaceId: WORKSPACE_ID,
    actionGroupResourceId: ACTION_GROUP_ID,
    gitOpsRepositoryUrl: 'https://git.example.org/synaxis/stamp-apps.git',
  });
  for (const [name, { value }] of Object.entries(arm)) plain[name] = value;
  return plain;
}

describe('what the control plane may deploy (issue 11, defect 2)', () => {
  let grants: RoleGrant[];
  let stamp: Snapshot;
  before(() => {
    grants = appSubscriptionGrants(controlPlaneSnapshot());
    stamp = snapshot('stamp/main.json', 'stamp-permissions', stampParameters(), 'westeurope');
  });

  it('grants the app Contributor, a constrained role assigner and Resource Policy Contributor at subscription scope', () => {
    assert.deepEqual(grants.map((g) => g.role).sort(), [
      'Contributor',
      'Resource Policy Contributor',
      'Role Based Access Control Administrator',
    ]);
    const assigner = grants.find((g) => g.role === 'Role Based Access Control Administrator');
    assert.ok(assigner?.assignableRoleIds !== undefined && assigner.assignableRoleIds.length > 0);
  });

  it('allows every resource the stamp deployment writes, role assignments by the condition included', () => {
    assert.ok(stamp.resources.length > 50, 'the snapshot holds the whole stamp');
    assert.ok(stamp.ofType('Microsoft.Authorization/policyAssignments').length > 0);
    assert.deepEqual(
      refusedWrites(stamp.resources, grants).map((r) => `${r.action} ${r.resourceId}`),
      [],
    );
  });

  it('would refuse the policy assignments with the roles granted before the fix', () => {
    const before = grants.filter((g) => g.role !== 'Resource Policy Contributor');
    const refused = refusedWrites(stamp.resources, before);
    assert.ok(refused.length > 0);
    assert.deepEqual([...new Set(refused.map((r) => r.type))], ['Microsoft.Authorization/policyAssignments']);
  });

  it('refuses a role assignment of a role outside the condition', () => {
    const [assignment] = stamp.ofType('Microsoft.Authorization/roleAssignments');
    assert.ok(assignment);
    const owner = {
      ...assignment,
      body: {
        ...assignment.body,
        properties: {
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
        },
      },
    };
    assert.equal(refusedWrites([owner], grants).length, 1);
  });

  it('allows every resource type the template can write, also those behind a condition the Deployer leaves off', () => {
    // The raw walk lists what a future parameter could turn on (locks, for example); each must be
    // either allowed or never written with the Deployer's parameters.
    const written = new Set(stamp.resources.map((r) => r.type.toLowerCase()));
    const refused = templateResources(compiled('stamp/main.json'), 'stamp')
      .filter((r) => !r.existing && r.type !== 'Microsoft.Resources/deployments')
      .filter((r) => refusedWrites([{ id: r.symbol, type: r.type, body: {} }], grants).length > 0)
      .filter((r) => r.type !== 'Microsoft.Authorization/roleAssignments');
    for (const resource of refused) {
      assert.ok(!written.has(resource.type.toLowerCase()), `${resource.type} is written and refused`);
      assert.ok(
        'condition' in resource.body,
        `${resource.where} ${resource.symbol} is written unconditionally`,
      );
    }
  });
});
