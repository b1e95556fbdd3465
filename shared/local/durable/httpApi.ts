import type { IncomingMessage, ServerResponse } from 'node:http';

import { StampsError } from '../../errors';
import { sameSecret } from '../../text/sameSecret';
import { managementUrls, RPC_PATH, WEBHOOK_PATH } from './clientBinding';
import type { DurableOperations } from './durableOperations';
import { InvalidInputError } from './errors';
import type { InstanceFilter } from './instanceStatus';

/** HTTP status for each typed error code; anything else is a 500. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  OrchestratorNotFound: 400,
  InvalidInstanceId: 400,
  InvalidInput: 400,
  InstanceAlreadyExists: 409,
  InstanceStillRunning: 409,
  InstanceNotFound: 404,
  InstanceNotRunning: 410,
  RuntimeStopped: 503,
};

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Handles a request if its path belongs to the Durable HTTP API; resolves false otherwise. */
export type DurableHttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Path segments, percent-decoded; a malformed escape (`%zz`) is the caller's error (400). */
function decodeSegments(rest: string): string[] {
  try {
    return rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    throw new InvalidInputError(`the path '${rest.slice(0, 200)}' has an invalid percent-encoding`);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new InvalidInputError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(text: string, what: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InvalidInputError(`the ${what} is not valid JSON`, undefined, { cause });
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): void {
  if (error instanceof StampsError) {
    const instanceId =
      'instanceId' in error && typeof error.instanceId === 'string' ? error.instanceId : undefined;
    send(response, STATUS_BY_CODE[error.code] ?? 500, {
      code: error.code,
      message: error.message,
      instanceId,
    });
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  send(response, 500, { code: 'InternalError', message });
}

function parseDate(value: string | null, name: string): Date | undefined {
  if (value === null || value.length === 0) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidInputError(`query parameter ${name} is not a date: ${value}`);
  return date;
}

function parseFilter(query: URLSearchParams): InstanceFilter {
  const statuses = (query.get('runtimeStatus') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  return {
    createdTimeFrom: parseDate(query.get('createdTimeFrom'), 'createdTimeFrom'),
    createdTimeTo: parseDate(query.get('createdTimeTo'), 'createdTimeTo'),
    ...(statuses.length > 0 ? { runtimeStatus: statuses } : {}),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(value: string | null): boolean {
  return value !== null && value.toLowerCase() === 'true';
}

/** The query every public webhook URL carries: the task hub, and the system key as on Azure. */
export function webhookQuery(taskHubName: string, systemKey: string | undefined): string {
  const base = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage`;
  return systemKey === undefined ? base : `${base}&code=${encodeURIComponent(systemKey)}`;
}

/**
 * The documented Durable Functions HTTP API (start, status, list, raise event, terminate,
 * purge) over `operations`, served under both `/runtime/webhooks/durabletask/` (the URLs that
 * `createCheckStatusResponse` hands out) and `/durabletask/` (the client's `rpcBaseUrl`).
 * A host mounts it on its own server by calling it first for every request. As on Azure, the
 * public webhook needs the extension's system key (`?code=` or `x-functions-key`): without it
 * anyone could terminate an orchestration or start one with forged input. The RPC path is the
 * worker's own, which Azure serves only inside the instance: here it answers only under a secret
 * first segment (`rpcKey`, in the client binding's `rpcBaseUrl`), and a host must not expose it.
 */
export function createDurableHttpHandler(
  operations: DurableOperations,
  taskHubName: string,
  systemKey?: string,
  rpcKey?: string,
): DurableHttpHandler {
  const query = webhookQuery(taskHubName, systemKey);
  return async (request, response) => {
    // The Host header is the client's: one that is not a host name must not make a 500.
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    } catch {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    }
    let rest: string | undefined;
    for (const prefix of [`${WEBHOOK_PATH}/`, `${RPC_PATH}/`]) {
      if (url.pathname.startsWith(prefix)) rest = url.pathname.slice(prefix.length);
    }
    if (rest === undefined) return false;
    if (rpcKey !== undefined && url.pathname.startsWith(`${RPC_PATH}/`)) {
      const [segment, ...after] = rest.split('/');
      if (segment === undefined || !sameSecret(segment, rpcKey)) {
        send(response, 404, { code: 'NotFound', message: `no Durable HTTP API route for ${url.pathname}` });
        return true;
      }
      rest = after.join('/');
    }
    if (systemKey !== undefined && url.pathname.startsWith(`${WEBHOOK_PATH}/`)) {
      const presented = url.searchParams.get('code') ?? headerValue(request.headers['x-functions-key']);
      if (presented === undefined || !sameSecret(presented, systemKey)) {
        send(response, 401, {
          code: 'Unauthorized',
          message:
            'the Durable HTTP API needs the durabletask_extension system key (?code= or x-functions-key), as on Azure',
        });
        return true;
      }
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const webhookBase = `${url.origin}${WEBHOOK_PATH}`;
    try {
      const segments = decodeSegments(rest);
      const [collection, first, second, third] = segments;
      if (collection === 'orchestrators' && method === 'POST' && first !== undefined && first.length > 0) {
        const input = parseJsonBody(await readBody(request), 'orchestration input');
        const instanceId = await operations.startNew(first, {
          ...(second !== undefined && second.length > 0 ? { instanceId: second } : {}),
          input,
        });
        const payload = managementUrls(webhookBase, instanceId, query);
        send(response, 202, payload, { Location: payload.statusQueryGetUri });
        return true;
      }
      if (collection === 'instances' && (first === undefined || first.length === 0)) {
        const filter = parseFilter(url.searchParams);
        if (method === 'GET') {
          send(response, 200, await operations.listInstances(filter));
          return true;
        }
        if (method === 'DELETE') {
          const deleted = await operations.purgeBy(filter);
          send(response, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
          return true;
        }
      }
      if (collection === 'instances' && first !== undefined && first.length > 0) {
        if (second === undefined && method === 'GET') {
          const status = await operations.getStatus(first, {
            showHistory: isTrue(url.searchParams.get('showHistory')),
            showHistoryOutput: isTrue(url.searchParams.get('showHistoryOutput')),
            showInput: url.searchParams.get('showInput') !== 'false',
          });
          if (status === undefined) {
            send(response, 404, {
              code: 'InstanceNotFound',
              message: `no instance '${first}'`,
              instanceId: first,
            });
          } else {
            const running = status.runtimeStatus === 'Pending' || status.runtimeStatus === 'Running';
            send(response, running ? 202 : 200, status, running ? { Location: url.href } : {});
          }
          return true;
        }
        if (second === undefined && method === 'DELETE') {
          const deleted = await operations.purge(first);
          send(response, deleted ? 200 : 404, { instancesDeleted: deleted ? 1 : 0 });
          return true;
        }
        if (second === 'raiseEvent' && third !== undefined && third.length > 0 && method === 'POST') {
          const data = parseJsonBody(await readBody(request), 'event data');
          await operations.raiseEvent(first, third, data);
          send(response, 202, undefined);
          return true;
        }
        if (second === 'terminate' && method === 'POST') {
          await operations.terminate(first, url.searchParams.get('reason') ?? '');
          send(response, 202, undefined);
          return true;
        }
        if (second !== undefined && ['rewind', 'suspend', 'resume', 'restart'].includes(second)) {
          send(response, 501, {
            code: 'NotImplemented',
            message: `the local durable runtime does not implement ${second}`,
            instanceId: first,
          });
          return true;
        }
      }
      send(response, 404, {
        code: 'NotFound',
        message: `no Durable HTTP API route for ${method} ${url.pathname}`,
      });
      return true;
    } catch (error) {
      sendError(response, error);
      return true;
    }
  };
}
