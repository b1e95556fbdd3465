/**
 * Azure RBAC as the tests and the ARM stand-in model it: the built-in role table the
 * infrastructure uses (infra/roles/built-in-roles.json, each id cited there), the control-plane
 * actions of the roles granted to the control plane, and ARM's rule for whether a set of role
 * assignments allows an action: some assignment's role has an Actions pattern that matches and no
 * NotActions pattern of that same role matches (NotActions subtract from their own role only),
 * and the assignment's condition, if any, holds.
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions#notactions
 * https://learn.microsoft.com/azure/role-based-access-control/conditions-overview
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { actionMatches } from '../../shared/app/dryRun/armPermissions';
import { repoRoot } from '../infra/support';

export const ROLE_TABLE_PATH = join(repoRoot, 'infra', 'roles', 'built-in-roles.json');

export interface RolePermissions {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly source: string;
}

export interface RoleTable {
  readonly azureRbac: Readonly<Record<string, string>>;
  readonly cosmosDbSql: Readonly<Record<string, string>>;
  readonly sources: Readonly<Record<string, string>>;
  readonly permissions: Readonly<Record<string, RolePermissions>>;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

export function loadRoleTable(): RoleTable {
  const raw = JSON.parse(readFileSync(ROLE_TABLE_PATH, 'utf8')) as Record<string, unknown>;
  const { azureRbac, cosmosDbSql, sources } = raw;
  if (!isStringRecord(azureRbac) || !isStringRecord(cosmosDbSql) || !isStringRecord(sources)) {
    throw new TypeError(`${ROLE_TABLE_PATH}: azureRbac, cosmosDbSql and sources must map names to strings`);
  }
  const permissions: Record<string, RolePermissions> = {};
  const rawPermissions = raw['permissions'];
  if (typeof rawPermissions === 'object' && rawPermissions !== null) {
    for (const [name, entry] of Object.entries(rawPermissions as Record<string, unknown>)) {
      if (name.startsWith('$')) continue;
      const role = entry as Partial<RolePermissions>;
      if (
        !Array.isArray(role.actions) ||
        !Array.isArray(role.notActions) ||
        typeof role.source !== 'string'
      ) {
        throw new TypeError(
          `${ROLE_TABLE_PATH}: permissions of '${name}' need actions, notActions and source`,
        );
      }
      permissions[name] = { actions: role.actions, notActions: role.notActions, source: role.source };
    }
  }
  return { azureRbac, cosmosDbSql, sources, permissions };
}

export const roleTable: RoleTable = loadRoleTable();

/** The role's name for a role definition GUID (or a full roleDefinitions resource id), if it is built in. */
export function roleNameOf(roleDefinitionId: string): string | undefined {
  const guid = roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
  return Object.entries(roleTable.azureRbac).find(([, id]) => id === guid)?.[0];
}

export function roleIdOf(name: string): string {
  const id = roleTable.azureRbac[name];
  if (id === undefined) throw new Error(`no built-in role named '${name}' in ${ROLE_TABLE_PATH}`);
  return id;
}

// ARM's wildcard match of an operation pattern, as the dry run's permission check does it.
export { actionMatches } from '../../shared/app/dryRun/armPermissions';

/** One role assignment of the caller: the role by name, and for a constrained assigner, the roles it may assign. */
export interface RoleGrant {
  readonly role: string;
  /** Role definition GUIDs a `roleAssignments/write|delete` may name (the ABAC condition); absent = no condition. */
  readonly assignableRoleIds?: readonly string[];
}

export interface AccessRequest {
  /** e.g. `Microsoft.Authorization/policyAssignments/write` */
  readonly action: string;
  /** For a role assignment write: the GUID of the role it assigns. */
  readonly assignsRoleId?: string;
}

/** Whether one grant allows the request; a role without modelled permissions allows nothing. */
export function grantAllows(grant: RoleGrant, request: AccessRequest): boolean {
  const permissions = roleTable.permissions[grant.role];
  if (permissions === undefined) return false;
  if (!permissions.actions.some((pattern) => actionMatches(pattern, request.action))) return false;
  if (permissions.notActions.some((pattern) => actionMatches(pattern, request.action))) return false;
  if (
    grant.assignableRoleIds !== undefined &&
    /^Microsoft\.Authorization\/roleAssignments\//i.test(request.action)
  ) {
    const assigned = request.assignsRoleId?.toLowerCase();
    return assigned !== undefined && grant.assignableRoleIds.map((id) => id.toLowerCase()).includes(assigned);
  }
  return true;
}

export function allowed(grants: readonly RoleGrant[], request: AccessRequest): boolean {
  return grants.some((grant) => grantAllows(grant, request));
}

/** The GUIDs listed in a role assignment condition's `GuidEquals {…}` sets. */
export function conditionRoleIds(condition: string): string[] {
  const ids = new Set<string>();
  for (const match of condition.matchAll(/GuidEquals\s*\{([^}]*)\}/g)) {
    for (const id of (match[1] ?? '').split(',')) if (id.trim() !== '') ids.add(id.trim().toLowerCase());
  }
  return [...ids];
}
