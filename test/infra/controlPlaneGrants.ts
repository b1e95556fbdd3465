/**
 * The roles the control-plane template grants the Function app at subscription scope (where the
 * Deployer runs stamp deployments), read from the evaluated template rather than written down
 * again, so a test of what the app may deploy follows the template.
 */
import { conditionRoleIds, type RoleGrant, roleNameOf } from '../support/azureRbac';
import { at, type Snapshot, snapshot } from './support';

export function controlPlaneSnapshot(name = 'control-plane-grants'): Snapshot {
  return snapshot(
    'main.json',
    name,
    { environmentName: 'prod', location: 'westeurope', deployEventSubscription: true },
    'westeurope',
  );
}

export function appSubscriptionGrants(snap: Snapshot): RoleGrant[] {
  return snap
    .ofType('Microsoft.Authorization/roleAssignments')
    .filter((a) => a.id.startsWith('[subscriptionResourceId('))
    .filter((a) => String(at(a.body, 'properties.principalId')).includes('Microsoft.Web/sites/func-'))
    .map((a) => {
      const roleDefinitionId = String(at(a.body, 'properties.roleDefinitionId'));
      const role = roleNameOf(roleDefinitionId);
      if (role === undefined)
        throw new Error(`${a.id}: ${roleDefinitionId} is no built-in role of the table`);
      const condition = at(a.body, 'properties.condition');
      return typeof condition === 'string'
        ? { role, assignableRoleIds: conditionRoleIds(condition) }
        : { role };
    });
}
