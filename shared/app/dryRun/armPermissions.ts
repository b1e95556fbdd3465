import type { PredictedChange } from '../../ports/deployer';
import { resourceTypeOf } from './resourceType';

/** One role's operations, as ARM lists a caller's permissions (Actions and NotActions). */
export interface ArmPermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** A write the caller's roles do not allow. */
export interface RefusedWrite {
  readonly resourceType: string;
  readonly action: string;
}

/** ARM's wildcard match of an operation pattern: case-insensitive, `*` matches any run. */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/**
 * Whether some role allows the action: an Actions pattern matches and no NotActions pattern of
 * that same role does (NotActions subtract from their own role only).
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions#notactions
 */
export function permits(permissions: readonly ArmPermission[], action: string): boolean {
  return permissions.some(
    (role) =>
      role.actions.some((p) => actionMatches(p, action)) &&
      !role.notActions.some((p) => actionMatches(p, action)),
  );
}

/** What-if changes that write (a create, a change, a redeploy) and that no role allows. */
const WRITES = new Set(['create', 'modify', 'deploy']);

/**
 * The writes of a deployment that the caller's roles refuse: ARM authorizes each resource of a
 * deployment as `{type}/write`. Role-assignment conditions (ABAC) are not in this list and are not
 * evaluated: a role assignment allowed here may still be refused by its condition.
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-to-subscription#required-access
 */
export function refusedWrites(
  changes: readonly PredictedChange[],
  permissions: readonly ArmPermission[],
): RefusedWrite[] {
  const refused = new Map<string, RefusedWrite>();
  for (const change of changes) {
    if (!WRITES.has(change.changeType.toLowerCase())) continue;
    const resourceType = resourceTypeOf(change.resourceId);
    const action = `${resourceType}/write`;
    if (!permits(permissions, action)) refused.set(action.toLowerCase(), { resourceType, action });
  }
  return [...refused.values()];
}
