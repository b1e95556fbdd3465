/**
 * The control plane's Entra ID app roles (the app registration's `appRoles`, assigned to users,
 * groups and apps), and what each includes. A route asks for one role; a principal holds it when
 * it is assigned that role or one that includes it.
 */
export const STAMP_ROLES = ['Stamps.Reader', 'Stamps.Operator', 'Stamps.Approver', 'Stamps.Admin'] as const;
export type StampRole = (typeof STAMP_ROLES)[number];

/**
 * The app role of the Azure Monitor action group's secure webhook: assigned to the action
 * group's service principal, it is the only role that may post alerts without the alert key.
 */
export const ALERT_SENDER_ROLE = 'Stamps.AlertSender';

/**
 * Approver is apart on purpose: approving a verification is the second pair of eyes, so an
 * Admin, who may override every guard, is not an Approver unless assigned that role too.
 */
const INCLUDES: Readonly<Record<StampRole, readonly StampRole[]>> = {
  'Stamps.Reader': [],
  'Stamps.Operator': ['Stamps.Reader'],
  'Stamps.Approver': ['Stamps.Reader'],
  'Stamps.Admin': ['Stamps.Operator', 'Stamps.Reader'],
};

export function isStampRole(name: string): name is StampRole {
  return (STAMP_ROLES as readonly string[]).includes(name);
}

/** Every stamp role that the assigned roles grant, directly or through what they include. */
export function grantedRoles(assigned: readonly string[]): StampRole[] {
  const granted = new Set<StampRole>();
  for (const role of assigned.filter(isStampRole)) {
    granted.add(role);
    INCLUDES[role].forEach((included) => granted.add(included));
  }
  return STAMP_ROLES.filter((role) => granted.has(role));
}

export function grants(assigned: readonly string[], role: StampRole): boolean {
  return grantedRoles(assigned).includes(role);
}
