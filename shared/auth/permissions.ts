import { OPERATOR_COMMAND_NAMES, type OperatorCommand } from '../lifecycle/operatorCommands';
import { COMMAND_ROLES, OVERRIDE_ROLE } from './commandRoles';
import type { Principal } from './principal';
import { grantedRoles, grants, type StampRole } from './roles';

/** What a principal may do, so the dashboard and tools can offer only that. */
export interface Permissions {
  readonly roles: readonly StampRole[];
  readonly read: boolean;
  readonly createStamp: boolean;
  readonly setDesired: boolean;
  readonly commands: Readonly<Record<OperatorCommand, boolean>>;
  readonly override: boolean;
}

/** The same rules the routes check (route roles, the override role), as one answer. */
export function permissionsOf(principal: Principal, overrideRequiresAdmin: boolean): Permissions {
  const has = (role: StampRole) => grants(principal.roles, role);
  const commands = Object.fromEntries(
    OPERATOR_COMMAND_NAMES.map((command) => [command, has(COMMAND_ROLES[command])]),
  ) as Record<OperatorCommand, boolean>;
  const operates = Object.values(commands).some(Boolean);
  return {
    roles: grantedRoles(principal.roles),
    read: has('Stamps.Reader'),
    createStamp: has('Stamps.Operator'),
    setDesired: has('Stamps.Operator'),
    commands,
    override: operates && (!overrideRequiresAdmin || has(OVERRIDE_ROLE)),
  };
}
