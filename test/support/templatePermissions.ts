/**
 * What a deployment asks ARM to write, as authorization requests, and which of them the caller's
 * role assignments refuse. ARM authorizes every resource of a deployment, nested deployments
 * included, as `{resourceType}/write` at the resource's scope; a role assignment additionally
 * carries its role definition id for the assigner's condition.
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/deploy-to-subscription#required-access
 */
import { type AccessRequest, allowed, type RoleGrant, roleNameOf } from './azureRbac';

/** A resource ARM would create, as `bicep snapshot` predicts it. */
export interface PredictedResource {
  readonly id: string;
  readonly type: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface WriteRequest extends AccessRequest {
  readonly resourceId: string;
  readonly type: string;
}

function roleDefinitionIdOf(resource: PredictedResource): string {
  const properties = resource.body['properties'];
  const id =
    typeof properties === 'object' && properties !== null
      ? (properties as Record<string, unknown>)['roleDefinitionId']
      : undefined;
  return typeof id === 'string' ? id : '';
}

export function writeRequests(resources: readonly PredictedResource[]): WriteRequest[] {
  return resources.map((resource) => {
    const request: WriteRequest = {
      resourceId: resource.id,
      type: resource.type,
      action: `${resource.type}/write`,
    };
    if (resource.type.toLowerCase() !== 'microsoft.authorization/roleassignments') return request;
    return { ...request, assignsRoleId: roleDefinitionIdOf(resource).split('/').pop() ?? '' };
  });
}

export function refusedWrites(
  resources: readonly PredictedResource[],
  grants: readonly RoleGrant[],
): WriteRequest[] {
  return writeRequests(resources).filter((request) => !allowed(grants, request));
}

/** Role assignments whose role definition is not a built-in role Azure knows (RoleDefinitionDoesNotExist). */
export function unknownRoleDefinitions(resources: readonly PredictedResource[]): WriteRequest[] {
  return writeRequests(resources).filter(
    (request) => request.assignsRoleId !== undefined && roleNameOf(request.assignsRoleId) === undefined,
  );
}

/** `AuthorizationFailed`'s message, as ARM words it. */
export function authorizationFailedMessage(principal: string, request: WriteRequest): string {
  return `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${request.action}' over scope '${request.resourceId}' or the scope is invalid.`;
}
