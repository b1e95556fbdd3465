import type { Principal } from './principal';
import { grantedRoles, grants, type StampRole } from './roles';

export type Access =
  | { readonly allowed: true; readonly principal: Principal }
  | {
      readonly allowed: false;
      readonly status: 401 | 403;
      readonly detail: string;
      /** The role that was missing (403). */
      readonly role?: StampRole;
    };

/** Whether a principal may do what needs `role`: 401 without one, 403 naming the role it lacks. */
export function checkAccess(principal: Principal | undefined, role: StampRole, what: string): Access {
  if (principal === undefined) {
    return {
      allowed: false,
      status: 401,
      detail: `${what} needs a signed-in principal with the ${role} role; sign in with Microsoft Entra ID (a browser through /.auth/login/aad, a tool with a bearer token for the app's audience)`,
    };
  }
  if (grants(principal.roles, role)) return { allowed: true, principal };
  const held = grantedRoles(principal.roles);
  return {
    allowed: false,
    status: 403,
    role,
    detail: `${what} needs the ${role} role; ${principal.name} has ${held.length === 0 ? 'no Stamps role' : held.join(', ')}. Ask an Entra ID admin to assign ${role} on the Synaxis Stamps app registration`,
  };
}
