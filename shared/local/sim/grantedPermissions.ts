import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { DeployerPermission } from '../../ports/deployer';

/** The role table of the infrastructure, with the Actions of the roles the control plane holds. */
const ROLE_TABLE = resolve(__dirname, '..', '..', '..', '..', 'infra', 'roles', 'built-in-roles.json');

/**
 * The roles the control-plane template grants the app at subscription scope
 * (infra/controlplane/subscription-access.bicep): what a new stamp's resource group inherits.
 */
export const GRANTED_AT_SUBSCRIPTION = [
  'Contributor',
  'Role Based Access Control Administrator',
  'Resource Policy Contributor',
] as const;

/** Those roles' Actions and NotActions, as ARM's permissions API would list them for the app. */
export async function grantedPermissions(
  roles: readonly string[] = GRANTED_AT_SUBSCRIPTION,
): Promise<DeployerPermission[]> {
  const table = JSON.parse(await readFile(ROLE_TABLE, 'utf8')) as {
    permissions?: Record<string, { actions?: string[]; notActions?: string[] }>;
  };
  return roles.map((role) => {
    const entry = table.permissions?.[role];
    if (entry === undefined) throw new Error(`${ROLE_TABLE} lists no permissions of '${role}'`);
    return { actions: entry.actions ?? [], notActions: entry.notActions ?? [] };
  });
}
