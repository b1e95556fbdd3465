/**
 * The ARM stand-in's authorization: evaluate a deployment's template with its parameters (through
 * `bicep snapshot`, which expands nested deployments, loops and conditions into the resources ARM
 * would write), then refuse it as ARM does: a role assignment naming a role definition that does
 * not exist fails with `RoleDefinitionDoesNotExist`, and a write the caller's role assignments do
 * not allow with `AuthorizationFailed`, each wrapped in `DeploymentFailed` as a resource failure.
 * https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-invalid-template#solution-6---authorization-failed
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-fails-with-roledefinitiondoesnotexist
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ParameterValue, snapshotIn } from '../../../infra/support';
import type { RoleGrant } from '../../../support/azureRbac';
import {
  authorizationFailedMessage,
  refusedWrites,
  unknownRoleDefinitions,
} from '../../../support/templatePermissions';
import type { ArmError } from './armStandIn';

export interface StandInAuthorization {
  /** The caller's object id, as ARM names it in the error. */
  readonly principal: string;
  readonly grants: readonly RoleGrant[];
}

interface DeploymentBody {
  readonly location?: string;
  readonly properties?: {
    readonly template?: unknown;
    readonly parameters?: Readonly<Record<string, { readonly value?: unknown }>>;
  };
}

function scalarParameters(body: DeploymentBody): Record<string, ParameterValue> {
  const plain: Record<string, ParameterValue> = {};
  for (const [name, { value }] of Object.entries(body.properties?.parameters ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      plain[name] = value;
    else throw new TypeError(`stand-in: parameter ${name} is not a string, number or boolean`);
  }
  return plain;
}

/** Why ARM would fail this deployment for authorization, or undefined if it would not. */
export function preflightFailure(body: unknown, authorization: StandInAuthorization): ArmError | undefined {
  const deployment = (body ?? {}) as DeploymentBody;
  const directory = mkdtempSync(join(tmpdir(), 'arm-stand-in-'));
  try {
    writeFileSync(join(directory, 'template.json'), JSON.stringify(deployment.properties?.template ?? {}));
    const evaluated = snapshotIn(
      directory,
      './template.json',
      'deployment',
      scalarParameters(deployment),
      deployment.location ?? 'westeurope',
    );
    const unknownRoles = unknownRoleDefinitions(evaluated.resources);
    const unknownIds = new Set(unknownRoles.map((request) => request.resourceId));
    const refused = refusedWrites(evaluated.resources, authorization.grants).filter(
      (request) => !unknownIds.has(request.resourceId),
    );
    const details: ArmError[] = [
      ...unknownRoles.map((request) => ({
        code: 'RoleDefinitionDoesNotExist',
        message: `The specified role definition with ID '${request.assignsRoleId ?? ''}' does not exist.`,
      })),
      ...refused.map((request) => ({
        code: 'AuthorizationFailed',
        message: authorizationFailedMessage(authorization.principal, request),
      })),
    ];
    if (details.length === 0) return undefined;
    return {
      code: 'DeploymentFailed',
      message:
        'At least one resource deployment operation failed. Please list deployment operations for details.',
      details,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
