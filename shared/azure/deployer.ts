import type { ResourceManagementClient } from '@azure/arm-resources';

import { TerminalError, ValidationError } from '../errors';
import { deploymentName as stampDeploymentName } from '../lifecycle/stampNames';
import type {
  Deployer,
  DeployerPermission,
  DeploymentStatus,
  ResourceGroupDeletionStatus,
  StampDeploymentOutputs,
  StampDeploymentRequest,
} from '../ports/deployer';
import { type StampEnvironment, type StampTemplateParameters, toArmParameters } from '../ports/stampTemplate';
import { armJson } from './armRest';
import {
  COMPUTE_USAGES_API_VERSION,
  type ComputeUsage,
  parseComputeUsages,
  stampsAllowed,
} from './computeQuota';
import { armCodeOf, mapAzureError, parseLroFailure, statusOf } from './errors';
import { lazy } from './lazy';
import { type ArmTemplate, loadStampTemplate } from './stampTemplateFile';

export { type ArmTemplate, DEFAULT_STAMP_TEMPLATE_PATH, loadStampTemplate } from './stampTemplateFile';

/** The part of `ResourceManagementClient` the deployer uses: a seam for tests and for the lazy load. */
export type ArmResourcesClient = Pick<
  ResourceManagementClient,
  'deployments' | 'resourceGroups' | 'resources' | 'sendRequest' | 'subscriptionId'
>;

/** The ARM template JSON of the stamp, as compiled by `npm run build:infra`. */

/** The deployer's view of the settings: the template parameters that do not come from the request. */
export interface StampTemplateSettings {
  readonly environment: StampEnvironment;
  readonly logAnalyticsWorkspaceId: string;
  readonly actionGroupResourceId?: string;
}

export interface ArmDeployerOptions {
  /** The client, built once on first use (see `createAzureAdapters`). */
  readonly client: () => Promise<ArmResourcesClient>;
  /** The compiled stamp template; defaults to {@link loadStampTemplate} of `dist/infra/stamp/main.json`. */
  readonly template?: () => Promise<ArmTemplate>;
  readonly settings: StampTemplateSettings;
  /** Poll interval of the SDK's one status read after a start, and of what-if; tests pass 5. */
  readonly updateIntervalInMs?: number;
  /** The ARM endpoint the client was built for (default `https://management.azure.com`). */
  readonly armEndpoint?: string;
  /**
   * A resource group whose permissions stand for a new stamp's group: the control plane's own
   * (App Service's WEBSITE_RESOURCE_GROUP), which inherits the same subscription-scope roles.
   * ARM lists a caller's permissions per resource group or resource, not per subscription.
   */
  readonly permissionResourceGroup?: string;
}

/** A what-if's predicted changes, reduced to what a person reads first. */
export interface WhatIfSummary {
  readonly status: string;
  readonly changes: readonly { readonly resourceId: string; readonly changeType: string }[];
}

/** The Azure Deployer plus what-if, which only the Azure adapter can do. */
export interface ArmDeployer extends Deployer {
  /** Runs what-if for the request's deployment and waits for it (seconds, not minutes). */
  whatIf(request: StampDeploymentRequest): Promise<WhatIfSummary>;
}

const DEPLOYMENT_NAME = /^[-\w.()]{1,64}$/;

/** provisioningState values that mean "not finished yet" (ARM's list is open-ended: unknown ones count as running). */
const FAILED_STATES = new Set(['Failed']);
const CANCELED_STATES = new Set(['Canceled']);
/** A PUT of an existing deployment in one of these states runs it again. */
const RERUNNABLE_STATES = new Set([...FAILED_STATES, ...CANCELED_STATES]);
/** Wrapper codes whose first detail says what actually went wrong. */
const WRAPPER_CODES = new Set(['DeploymentFailed', 'ResourceDeploymentFailure']);

/**
 * The Deployer on `@azure/arm-resources` 6.1.0 (the last release with `deployments` that runs on
 * Node 20): a subscription-scope, Incremental deployment of the compiled stamp template.
 *
 * - `startDeployment` reads the deployment first: one that is running or succeeded was started
 *   already, so a repeat never re-runs it; one that failed or was canceled is PUT again, which
 *   ARM runs again. Otherwise it PUTs it and returns without waiting (the SDK reads the status
 *   once; the orchestration polls with timers).
 * - `getDeployment` is one GET: Running, Succeeded with the outputs as strings, or Failed with the
 *   most specific ARM error code (see {@link specificCode}) and the message including its details.
 * - Resource group deletion: DELETE started and returned; a GET answering 404 means Deleted.
 *
 * @example
 * const deployer = createArmDeployer({ client, settings: { environment: 'production', logAnalyticsWorkspaceId } });
 * await deployer.startDeployment({ stampId: 'weu-001', region: 'westeurope', generation: 1, deploymentName: 'stamp-weu-001-1' });
 * const status = await deployer.getDeployment('stamp-weu-001-1'); // { state: 'Running' }
 */
export function createArmDeployer(options: ArmDeployerOptions): ArmDeployer {
  const template = lazy(options.template ?? (() => loadStampTemplate()));
  const pollOptions =
    options.updateIntervalInMs === undefined ? {} : { updateIntervalInMs: options.updateIntervalInMs };

  async function deploymentBody(request: StampDeploymentRequest) {
    const parameters: StampTemplateParameters = {
      stampId: request.stampId,
      location: request.region,
      environment: options.settings.environment,
      generation: request.generation,
      logAnalyticsWorkspaceId: options.settings.logAnalyticsWorkspaceId,
      ...(options.settings.actionGroupResourceId === undefined
        ? {}
        : { actionGroupResourceId: options.settings.actionGroupResourceId }),
    };
    return {
      location: request.region,
      properties: {
        mode: 'Incremental' as const,
        template: await template(),
        parameters: toArmParameters(parameters),
      },
    };
  }

  /** The deployment if it exists; undefined on 404. */
  async function find(client: ArmResourcesClient, name: string) {
    try {
      return await client.deployments.getAtSubscriptionScope(name);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw mapAzureError(error, `read deployment ${name}`);
    }
  }

  async function whatIf(request: StampDeploymentRequest): Promise<WhatIfSummary> {
    checkRequest(request);
    const client = await options.client();
    const body = await deploymentBody(request);
    try {
      const result = await client.deployments.beginWhatIfAtSubscriptionScopeAndWait(
        request.deploymentName,
        body,
        pollOptions,
      );
      return {
        status: result.status ?? 'Succeeded',
        changes: (result.changes ?? []).map((change) => ({
          resourceId: change.resourceId ?? '',
          changeType: change.changeType,
        })),
      };
    } catch (error) {
      throw mapAzureError(error, `what-if ${request.deploymentName}`);
    }
  }

  return {
    async startDeployment(request) {
      checkRequest(request);
      const name = request.deploymentName;
      const client = await options.client();
      const existing = await find(client, name);
      // A deployment that is running or done is not started twice. One that failed or was
      // canceled is run again by a PUT of the same name, as ARM does (the name keeps its
      // location and history); this is how the orchestration retries a failed deployment.
      if (existing !== undefined && !RERUNNABLE_STATES.has(existing.properties?.provisioningState ?? ''))
        return;
      const body = await deploymentBody(request);
      try {
        await client.deployments.beginCreateOrUpdateAtSubscriptionScope(name, body, pollOptions);
      } catch (error) {
        // Another start won the race: ARM refuses to overwrite a deployment that is still running.
        if (statusOf(error) === 409 && armCodeOf(error) === 'DeploymentActive') return;
        // The PUT was accepted and the deployment already failed (shape 2: no status on the
        // error). It exists, so it has started; getDeployment reports the failure with details.
        if (parseLroFailure(error) !== undefined && (await find(client, name)) !== undefined) return;
        throw mapAzureError(error, `start deployment ${name}`);
      }
    },

    async getDeployment(name) {
      const client = await options.client();
      let deployment;
      try {
        deployment = await client.deployments.getAtSubscriptionScope(name);
      } catch (error) {
        throw mapAzureError(error, `read deployment ${name}`);
      }
      return toStatus(name, deployment.properties);
    },

    async startResourceGroupDeletion(resourceGroup) {
      const client = await options.client();
      try {
        await client.resourceGroups.beginDelete(resourceGroup, pollOptions);
      } catch (error) {
        if (statusOf(error) === 404) return;
        throw mapAzureError(error, `delete resource group ${resourceGroup}`);
      }
    },

    async getResourceGroupDeletion(resourceGroup): Promise<ResourceGroupDeletionStatus> {
      const client = await options.client();
      try {
        await client.resourceGroups.get(resourceGroup);
      } catch (error) {
        if (statusOf(error) === 404) return 'Deleted';
        throw mapAzureError(error, `read resource group ${resourceGroup}`);
      }
      // The port knows two states: a group that still exists is reported as Deleting whatever its
      // provisioningState, and the orchestration's bounded polling catches one that never goes.
      return 'Deleting';
    },

    async remainingStampQuota(region) {
      // The Compute usages of the region (computeQuota.ts): no typed client in arm-resources, so
      // one GET through the same client's pipeline (its credential, retries and host). Contributor
      // at subscription scope includes Microsoft.Compute/locations/usages/read.
      const client = await options.client();
      const { createPipelineRequest } = await import('@azure/core-rest-pipeline');
      const usages: ComputeUsage[] = [];
      let url: string | undefined =
        `${(options.armEndpoint ?? 'https://management.azure.com').replace(/\/+$/, '')}/subscriptions/${encodeURIComponent(client.subscriptionId ?? '')}` +
        `/providers/Microsoft.Compute/locations/${encodeURIComponent(region)}/usages?api-version=${COMPUTE_USAGES_API_VERSION}`;
      for (let page = 0; url !== undefined && page < 5; page += 1) {
        const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
        if (response.status !== 200) {
          throw new TerminalError(
            `read the compute usages of ${region}: ${response.status} ${response.bodyAsText?.slice(0, 300) ?? ''}`,
            'ComputeUsagesUnavailable',
          );
        }
        const parsed = parseComputeUsages(JSON.parse(response.bodyAsText ?? '{}') as unknown);
        usages.push(...parsed.usages);
        url = parsed.nextLink;
      }
      return stampsAllowed(usages);
    },

    whatIf,

    async deploymentPermissions() {
      const group = options.permissionResourceGroup;
      if (group === undefined || group === '') return undefined;
      const client = await options.client();
      // Permissions - List For Resource Group: every role's Actions/NotActions the caller holds there.
      // https://learn.microsoft.com/rest/api/authorization/permissions/list-for-resource-group
      const body = await armJson(client, options.armEndpoint, {
        method: 'GET',
        path: `/subscriptions/${encodeURIComponent(client.subscriptionId ?? '')}/resourceGroups/${encodeURIComponent(group)}/providers/Microsoft.Authorization/permissions`,
        apiVersion: '2022-04-01',
      });
      return parsePermissions(body);
    },

    async previewDeployment(request) {
      const result = await whatIf(request);
      return { changes: result.changes, source: 'ARM what-if (deployments/whatIf at subscription scope)' };
    },
  };
}

/** The `value` of a permissions listing, each role's Actions and NotActions (absent lists are empty). */
export function parsePermissions(body: unknown): DeployerPermission[] {
  const value = typeof body === 'object' && body !== null ? (body as { value?: unknown }).value : undefined;
  if (!Array.isArray(value))
    throw new TerminalError('the permissions answer has no value list', 'PermissionsInvalid');
  const strings = (list: unknown): string[] =>
    Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string') : [];
  return value.map((entry: { actions?: unknown; notActions?: unknown }) => ({
    actions: strings(entry.actions),
    notActions: strings(entry.notActions),
  }));
}

function checkRequest(request: StampDeploymentRequest): void {
  const expected = stampDeploymentName(request.stampId, request.generation);
  if (!DEPLOYMENT_NAME.test(request.deploymentName)) {
    throw new ValidationError(
      `deployment name '${request.deploymentName}' must be 1-64 letters, digits, - . _ ( )`,
      'deploymentName',
    );
  }
  if (request.deploymentName !== expected) {
    throw new ValidationError(
      `deployment name '${request.deploymentName}' is not the deterministic '${expected}'`,
      'deploymentName',
    );
  }
}

interface ArmErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly details?: readonly ArmErrorBody[];
}

interface DeploymentProperties {
  readonly provisioningState?: string;
  readonly outputs?: Record<string, unknown>;
  readonly error?: ArmErrorBody;
}

function toStatus(name: string, properties: DeploymentProperties | undefined): DeploymentStatus {
  const state = properties?.provisioningState ?? 'Running';
  if (state === 'Succeeded') return { state: 'Succeeded', outputs: toOutputs(name, properties?.outputs) };
  if (FAILED_STATES.has(state)) {
    const error = properties?.error;
    return {
      state: 'Failed',
      code: specificCode(error),
      message: describeArmError(error) || `deployment ${name} failed without an error body`,
    };
  }
  if (CANCELED_STATES.has(state)) {
    return { state: 'Failed', code: 'DeploymentCanceled', message: `deployment ${name} was canceled` };
  }
  return { state: 'Running' };
}

/**
 * The code that says what failed: ARM wraps a resource's failure in `DeploymentFailed` (and a
 * nested deployment's in another), with the cause in the first detail, e.g. `QuotaExceeded` or
 * `AuthorizationFailed`; the orchestration decides on a retry by this code.
 */
export function specificCode(error: ArmErrorBody | undefined): string {
  let current = error;
  while (
    current?.code !== undefined &&
    WRAPPER_CODES.has(current.code) &&
    current.details?.[0]?.code !== undefined
  ) {
    current = current.details[0];
  }
  return current?.code ?? 'DeploymentFailed';
}

/** "top message; DetailCode: detail message; ..." (the top message alone is usually "see details"). */
export function describeArmError(error: ArmErrorBody | undefined): string {
  if (error === undefined) return '';
  const parts: string[] = [];
  if (error.message !== undefined && error.message !== '') parts.push(error.message);
  const walk = (details: readonly ArmErrorBody[] | undefined): void => {
    for (const detail of details ?? []) {
      parts.push(`${detail.code ?? 'Error'}: ${detail.message ?? ''}`.trim());
      walk(detail.details);
    }
  };
  walk(error.details);
  return parts.join('; ');
}

/** ARM outputs are `{ name: { type, value } }`; each value becomes a string (objects as JSON). */
export function toOutputs(
  name: string,
  outputs: Record<string, unknown> | undefined,
): StampDeploymentOutputs {
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(outputs ?? {})) {
    const value: unknown =
      typeof entry === 'object' && entry !== null && 'value' in entry ? entry.value : entry;
    if (value === undefined || value === null) continue;
    result[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const originHostName = result['originHostName'];
  if (originHostName === undefined || originHostName === '') {
    throw new TerminalError(
      `deployment ${name} succeeded without the output originHostName`,
      'OutputMissing',
    );
  }
  return { ...result, originHostName };
}
