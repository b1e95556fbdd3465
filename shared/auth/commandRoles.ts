import type { OperatorCommand } from '../lifecycle/operatorCommands';
import type { StampRole } from './roles';

/** The role each operator command needs; verify is an approval, the rest are operations. */
export const COMMAND_ROLES: Readonly<Record<OperatorCommand, StampRole>> = {
  drain: 'Stamps.Operator',
  isolate: 'Stamps.Operator',
  verify: 'Stamps.Approver',
  rejoin: 'Stamps.Operator',
  'cancel-drain': 'Stamps.Operator',
  'pause-ramp': 'Stamps.Operator',
  'continue-ramp': 'Stamps.Operator',
  'skip-ramp': 'Stamps.Operator',
  cleanup: 'Stamps.Operator',
};

/** Overriding a guard is an Admin's call (unless STAMPS_OVERRIDE_REQUIRES_ADMIN is off). */
export const OVERRIDE_ROLE: StampRole = 'Stamps.Admin';
