import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

import { createSelfSignedCertificate } from '../../../../shared/local/cosmos/selfSignedCertificate';
import { preflightFailure, type StandInAuthorization } from './armAuthorization';

/**
 * A local HTTPS stand-in for Azure Resource Manager (and an Event Grid topic), for the contract
 * tests of shared/azure: the real SDK clients are pointed at it with `endpoint` and trust its
 * self-signed certificate (made at start, pure Node) through `agent`. The SDK's bearer-token
 * policy refuses plain http, hence https (docs/azure.md §9).
 *
 * It keeps just enough state to behave like ARM for our calls: subscription-scope deployments
 * (PUT → 201 + Azure-AsyncOperation, operation status, GET with outputs or error, what-if with a
 * Location poll), resource groups (DELETE → 202 + Location, GET → 404 once gone) and Front Door
 * origins (PUT/PATCH/DELETE with Azure-AsyncOperation, GET, paged list). Every call is recorded.
 * Faults (429, 5xx, 409, 412, ...) are injected per call with {@link ArmStandIn.failNext}.
 *
 * As ARM does, a PUT of a deployment that failed or was canceled runs it again, and one that is
 * still active is refused (409 DeploymentActive). With {@link ArmStandIn.authorization} set, a
 * deployment is evaluated as ARM would (every resource, nested deployments included) and fails
 * with `AuthorizationFailed` when the caller's roles do not allow a write, or with
 * `RoleDefinitionDoesNotExist` when it assigns a role that is not a built-in role
 * (./armAuthorization.ts).
 */

export interface RecordedCall {
  readonly method: string;
  /** Path without the query string, as sent. */
  readonly path: string;
  /** The query string, with its `?`. */
  readonly search: string;
  readonly apiVersion: string | null;
  readonly body: unknown;
  readonly authorization: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly at: number;
}

export interface InjectedFault {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** How many matching calls get this answer; default 1. */
  readonly times?: number;
}

export type DeploymentOutcome =
  | { readonly state: 'Succeeded'; readonly outputs: Record<string, { type: string; value: unknown }> }
  | { readonly state: 'Failed'; readonly error: ArmError }
  | { readonly state: 'Canceled' };

export interface ArmError {
  readonly code: string;
  readonly message: string;
  readonly details?: readonly ArmError[];
}

interface DeploymentRecord {
  readonly name: string;
  readonly location: string;
  readonly request: unknown;
  provisioningState: string;
  outputs?: Record<string, { type: string; value: unknown }>;
  error?: ArmError;
  readonly operationId: string;
  puts: number;
}

interface OriginRecord {
  readonly name: string;
  properties: Record<string, unknown>;
}

interface AsyncOperation {
  pollsLeft: number;
  readonly onDone: () => void;
  readonly failure?: ArmError;
}

export type StandInSend = (status: number, payload?: unknown, headers?: Record<string, string>) => void;
export type ExtraRoute = (method: string, url: URL, body: unknown, send: StandInSend) => boolean;

export interface ArmStandIn {
  /** `https://127.0.0.1:<port>/` */
  readonly endpoint: string;
  readonly agent: https.Agent;
  readonly certificate: string;
  readonly calls: RecordedCall[];
  /** Calls other than operation-status polls, which vary with timing. */
  readonly significantCalls: () => RecordedCall[];
  failNext(fault: InjectedFault): void;
  /** Polls an async operation answers InProgress before it finishes (default 1). */
  operationPolls: number;
  /** What the first status poll of a new deployment says: keep it running (default), or fail it right away. */
  deploymentStartFailure: ArmError | undefined;
  /** The caller's role assignments; when set, deployments are authorized against them. */
  authorization: StandInAuthorization | undefined;
  finishDeployment(name: string, outcome: DeploymentOutcome): void;
  deployment(name: string): DeploymentRecord | undefined;
  addResourceGroup(name: string): void;
  hasResourceGroup(name: string): boolean;
  /** Completes a pending resource group deletion (the group then answers 404). */
  finishResourceGroupDeletion(name: string): void;
  /** Makes the next resource group delete operation fail on its Location poll. */
  resourceGroupDeletionFailure: ArmError | undefined;
  whatIfChanges: readonly { resourceId: string; changeType: string }[];
  /** The Compute usages each region answers, as the usages API lists them. */
  computeUsages: Record<string, readonly { name: string; currentValue: number; limit: number }[]>;
  origin(name: string): OriginRecord | undefined;
  /** Makes the next Front Door origin write fail on its Azure-AsyncOperation poll. */
  originOperationFailure: ArmError | undefined;
  /** Front Door list page size (to exercise nextLink); default 100. */
  originPageSize: number;
  /** Events POSTed to the Event Grid topic path `/api/events`. */
  readonly events: unknown[];
  /**
   * More services on the same server (the stamp's cluster, Azure Monitor): each answers a
   * request it serves and returns true, or returns false to pass it on.
   */
  readonly extraRoutes: ExtraRoute[];
  close(): Promise<void>;
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)/;
const DEPLOYMENT = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/;
const DEPLOYMENT_STATUS =
  /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Resources\/deployments\/([^/]+)\/operationStatuses\/([^/]+)$/;
const COMPUTE_USAGES = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/usages$/;
const WHAT_IF = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Resources\/deployments\/([^/]+)\/whatIf$/;
const RESOURCE_GROUP = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/i;
const OPERATION_RESULT = /^\/subscriptions\/[^/]+\/operationresults\/([^/]+)$/;
const ASYNC_OPERATION = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Cdn\/operations\/([^/]+)$/;
const ORIGINS =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cdn\/profiles\/([^/]+)\/originGroups\/([^/]+)\/origins$/;
const ORIGIN =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cdn\/profiles\/([^/]+)\/originGroups\/([^/]+)\/origins\/([^/]+)$/;

export async function startArmStandIn(): Promise<ArmStandIn> {
  const { cert, key } = createSelfSignedCertificate({
    hosts: ['127.0.0.1', 'localhost'],
    commonName: 'synaxis-arm-stand-in',
  });
  const calls: RecordedCall[] = [];
  const faults: { fault: InjectedFault; left: number }[] = [];
  const deployments = new Map<string, DeploymentRecord>();
  const resourceGroups = new Map<string, { deleting: boolean }>();
  const origins = new Map<string, OriginRecord>();
  const operations = new Map<string, AsyncOperation>();
  const rgOperations = new Map<string, { rg: string; failure?: ArmError }>();
  const whatIfs = new Map<string, number>();
  const events: unknown[] = [];
  let endpoint = '';

  const server = https.createServer({ cert, key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'https://stand-in');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      calls.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        search: url.search,
        apiVersion: url.searchParams.get('api-version'),
        body,
        authorization: request.headers.authorization,
        headers: request.headers,
        at: Date.now(),
      });
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        const data = payload === undefined ? '' : JSON.stringify(payload);
        response.writeHead(status, {
          ...(data === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
          'x-ms-request-id': randomUUID(),
          ...headers,
        });
        response.end(data);
      };
      try {
        route(request.method ?? 'GET', url, body, send);
      } catch (error) {
        send(500, { error: { code: 'StandInBug', message: String(error) } });
      }
    });
  });

  type Send = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

  function armError(status: number, code: string, message: string, send: Send): void {
    send(status, { error: { code, message } });
  }

  function newOperation(
    subscription: string,
    onDone: () => void,
    failure?: ArmError,
  ): { id: string; header: Record<string, string> } {
    const id = randomUUID();
    const failed = failure ?? stand.originOperationFailure;
    stand.originOperationFailure = undefined;
    operations.set(id, { pollsLeft: stand.operationPolls, onDone, ...(failed ? { failure: failed } : {}) });
    return {
      id,
      header: {
        'azure-asyncoperation': `${endpoint}subscriptions/${subscription}/providers/Microsoft.Cdn/operations/${id}?api-version=2024-02-01`,
      },
    };
  }

  function deploymentJson(record: DeploymentRecord, subscription: string) {
    return {
      id: `/subscriptions/${subscription}/providers/Microsoft.Resources/deployments/${record.name}`,
      name: record.name,
      type: 'Microsoft.Resources/deployments',
      location: record.location,
      properties: {
        provisioningState: record.provisioningState,
        mode: 'Incremental',
        ...(record.outputs ? { outputs: record.outputs } : {}),
        ...(record.error ? { error: record.error } : {}),
      },
    };
  }

  function originJson(
    record: OriginRecord,
    rg: string,
    profile: string,
    group: string,
    subscription: string,
  ) {
    return {
      id: `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.Cdn/profiles/${profile}/originGroups/${group}/origins/${record.name}`,
      name: record.name,
      type: 'Microsoft.Cdn/profiles/originGroups/origins',
      properties: { ...record.properties, originGroupName: group },
    };
  }

  function route(method: string, url: URL, body: unknown, send: Send): void {
    const path = url.pathname;
    for (const entry of faults) {
      if (entry.left > 0 && entry.fault.method === method && entry.fault.path.test(path)) {
        entry.left -= 1;
        send(entry.fault.status, entry.fault.body, { ...(entry.fault.headers ?? {}) });
        return;
      }
    }
    for (const extra of stand.extraRoutes) if (extra(method, url, body, send)) return;
    const subscription = SUBSCRIPTION.exec(path)?.[1] ?? '';
    let match: RegExpExecArray | null;

    if (method === 'POST' && path === '/api/events') {
      events.push(body);
      send(200);
      return;
    }

    if ((match = DEPLOYMENT_STATUS.exec(path)) !== null && method === 'GET') {
      const record = deployments.get(match[1] ?? '');
      if (record === undefined || record.operationId !== match[2]) {
        armError(404, 'NotFound', 'no such operation', send);
        return;
      }
      const status = record.provisioningState === 'Accepted' ? 'Running' : record.provisioningState;
      send(200, {
        status,
        ...(record.error && status === 'Failed' ? { error: record.error } : {}),
      });
      return;
    }
    if ((match = COMPUTE_USAGES.exec(path)) !== null && method === 'GET') {
      const usages = stand.computeUsages[match[1] ?? ''];
      if (usages === undefined) {
        armError(404, 'LocationNotFound', `no such location '${match[1] ?? ''}'`, send);
        return;
      }
      // The shape of ListUsagesResult (https://learn.microsoft.com/rest/api/compute/usage/list).
      send(200, {
        value: usages.map((u) => ({
          unit: 'Count',
          currentValue: u.currentValue,
          limit: u.limit,
          name: { value: u.name, localizedValue: u.name },
        })),
      });
      return;
    }

    if ((match = WHAT_IF.exec(path)) !== null && method === 'POST') {
      const id = randomUUID();
      whatIfs.set(id, stand.operationPolls);
      send(202, undefined, {
        location: `${endpoint}subscriptions/${subscription}/operationresults/whatif-${id}?api-version=2025-03-01`,
        'retry-after': '0',
      });
      return;
    }
    if ((match = DEPLOYMENT.exec(path)) !== null) {
      const name = match[1] ?? '';
      const existing = deployments.get(name);
      if (method === 'GET') {
        if (existing === undefined)
          armError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`, send);
        else send(200, deploymentJson(existing, subscription));
        return;
      }
      if (method === 'PUT') {
        if (existing !== undefined && ['Accepted', 'Running'].includes(existing.provisioningState)) {
          armError(
            409,
            'DeploymentActive',
            `The deployment with resource id '/subscriptions/${subscription}/providers/Microsoft.Resources/deployments/${name}' cannot be saved, because this would overwrite an existing deployment which is still active.`,
            send,
          );
          return;
        }
        const request = body as { location?: string };
        const record: DeploymentRecord = {
          name,
          location: request.location ?? '',
          request: body,
          provisioningState: 'Accepted',
          operationId: randomUUID(),
          puts: (existing?.puts ?? 0) + 1,
        };
        const failure =
          stand.deploymentStartFailure ??
          (stand.authorization === undefined ? undefined : preflightFailure(body, stand.authorization));
        if (failure !== undefined) {
          record.provisioningState = 'Failed';
          record.error = failure;
        }
        deployments.set(name, record);
        send(
          existing === undefined ? 201 : 200,
          deploymentJson({ ...record, provisioningState: 'Accepted' }, subscription),
          {
            'azure-asyncoperation': `${endpoint}subscriptions/${subscription}/providers/Microsoft.Resources/deployments/${name}/operationStatuses/${record.operationId}?api-version=2025-03-01`,
          },
        );
        return;
      }
    }
    if ((match = OPERATION_RESULT.exec(path)) !== null && method === 'GET') {
      const id = match[1] ?? '';
      if (id.startsWith('whatif-')) {
        const left = whatIfs.get(id.slice('whatif-'.length));
        if (left === undefined) {
          armError(404, 'NotFound', 'no such operation', send);
        } else if (left > 0) {
          whatIfs.set(id.slice('whatif-'.length), left - 1);
          send(202, undefined, {
            location: url.href.replace('https://stand-in/', endpoint),
            'retry-after': '0',
          });
        } else {
          send(200, { status: 'Succeeded', changes: stand.whatIfChanges });
        }
        return;
      }
      const operation = rgOperations.get(id);
      if (operation === undefined) {
        armError(404, 'NotFound', 'no such operation', send);
        return;
      }
      if (operation.failure !== undefined) {
        send(409, { error: operation.failure });
        return;
      }
      if (resourceGroups.has(operation.rg)) {
        send(202, undefined, {
          location: url.href.replace('https://stand-in/', endpoint),
          'retry-after': '0',
        });
      } else {
        send(200);
      }
      return;
    }
    if ((match = RESOURCE_GROUP.exec(path)) !== null) {
      const name = match[1] ?? '';
      const group = resourceGroups.get(name);
      if (method === 'GET') {
        if (group === undefined)
          armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`, send);
        else
          send(200, {
            id: `/subscriptions/${subscription}/resourceGroups/${name}`,
            name,
            location: 'westeurope',
            properties: { provisioningState: group.deleting ? 'Deleting' : 'Succeeded' },
          });
        return;
      }
      if (method === 'DELETE') {
        if (group === undefined) {
          armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`, send);
          return;
        }
        group.deleting = true;
        const id = randomUUID();
        const failure = stand.resourceGroupDeletionFailure;
        stand.resourceGroupDeletionFailure = undefined;
        rgOperations.set(id, { rg: name, ...(failure ? { failure } : {}) });
        send(202, undefined, {
          location: `${endpoint}subscriptions/${subscription}/operationresults/${id}?api-version=2025-03-01`,
          'retry-after': '0',
        });
        return;
      }
    }
    if ((match = ASYNC_OPERATION.exec(path)) !== null && method === 'GET') {
      const operation = operations.get(match[1] ?? '');
      if (operation === undefined) {
        armError(404, 'NotFound', 'no such operation', send);
      } else if (operation.pollsLeft > 0) {
        operation.pollsLeft -= 1;
        send(200, { status: 'InProgress' });
      } else if (operation.failure !== undefined) {
        send(200, { status: 'Failed', error: operation.failure });
      } else {
        operation.onDone();
        send(200, { status: 'Succeeded' });
      }
      return;
    }
    if ((match = ORIGINS.exec(path)) !== null && method === 'GET') {
      const [, rg = '', profile = '', group = ''] = match;
      const all = [...origins.values()].sort((a, b) => a.name.localeCompare(b.name));
      const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
      const page = all.slice(skip, skip + stand.originPageSize);
      const next = skip + stand.originPageSize < all.length ? skip + stand.originPageSize : undefined;
      const nextUrl = new URL(url.href.replace('https://stand-in/', endpoint));
      nextUrl.searchParams.set('$skiptoken', String(next));
      send(200, {
        value: page.map((o) => originJson(o, rg, profile, group, subscription)),
        ...(next === undefined ? {} : { nextLink: nextUrl.href }),
      });
      return;
    }
    if ((match = ORIGIN.exec(path)) !== null) {
      const [, rg = '', profile = '', group = '', name = ''] = match;
      const existing = origins.get(name);
      const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      if (method === 'GET') {
        if (existing === undefined) armError(404, 'NotFound', `origin '${name}' not found`, send);
        else send(200, originJson(existing, rg, profile, group, subscription));
        return;
      }
      if (method === 'PUT') {
        const record: OriginRecord = {
          name,
          properties: { ...properties, provisioningState: 'Creating', deploymentStatus: 'NotStarted' },
        };
        origins.set(name, record);
        const op = newOperation(subscription, () => {
          record.properties = { ...record.properties, provisioningState: 'Succeeded' };
        });
        send(
          existing === undefined ? 201 : 200,
          originJson(record, rg, profile, group, subscription),
          op.header,
        );
        return;
      }
      if (method === 'PATCH') {
        if (existing === undefined) {
          armError(404, 'NotFound', `origin '${name}' not found`, send);
          return;
        }
        existing.properties = { ...existing.properties, ...properties, provisioningState: 'Updating' };
        const op = newOperation(subscription, () => {
          existing.properties = { ...existing.properties, provisioningState: 'Succeeded' };
        });
        send(202, originJson(existing, rg, profile, group, subscription), op.header);
        return;
      }
      if (method === 'DELETE') {
        if (existing === undefined) {
          send(204);
          return;
        }
        const op = newOperation(subscription, () => origins.delete(name));
        send(202, undefined, op.header);
        return;
      }
    }
    armError(404, 'StandInNoRoute', `${method} ${path} is not served by the stand-in`, send);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  endpoint = `https://127.0.0.1:${port}/`;
  const agent = new https.Agent({ ca: cert, keepAlive: true });

  const stand: ArmStandIn = {
    endpoint,
    agent,
    certificate: cert,
    calls,
    significantCalls: () =>
      calls.filter(
        (c) =>
          !DEPLOYMENT_STATUS.test(c.path) && !ASYNC_OPERATION.test(c.path) && !OPERATION_RESULT.test(c.path),
      ),
    failNext(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    operationPolls: 1,
    deploymentStartFailure: undefined,
    authorization: undefined,
    finishDeployment(name, outcome) {
      const record = deployments.get(name);
      if (record === undefined) throw new Error(`stand-in: no deployment ${name}`);
      record.provisioningState = outcome.state;
      if (outcome.state === 'Succeeded') record.outputs = outcome.outputs;
      if (outcome.state === 'Failed') record.error = outcome.error;
    },
    deployment: (name) => deployments.get(name),
    addResourceGroup(name) {
      resourceGroups.set(name, { deleting: false });
    },
    hasResourceGroup: (name) => resourceGroups.has(name),
    finishResourceGroupDeletion(name) {
      resourceGroups.delete(name);
    },
    resourceGroupDeletionFailure: undefined,
    whatIfChanges: [],
    computeUsages: {},
    originOperationFailure: undefined,
    origin: (name) => origins.get(name),
    originPageSize: 100,
    events,
    extraRoutes: [],
    async close() {
      agent.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return stand;
}
