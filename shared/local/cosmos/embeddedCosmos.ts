import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

import { installAtomicBatch } from './atomicBatch';
import { createSelfSignedCertificate } from './selfSignedCertificate';

/**
 * The Cosmos DB emulator's published, well-known key. The embedded server checks no
 * signature; the SDK just needs a well-formed key to sign requests with.
 */
export const EMBEDDED_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface EmbeddedCosmos {
  /** `https://127.0.0.1:{port}/`, for `new CosmosClient({ endpoint, key, agent })`. */
  readonly endpoint: string;
  readonly key: string;
  /** Trusts exactly this server's certificate (made at start); give it to the SDK client. */
  readonly agent: https.Agent;
  /** PEM of the server's certificate, for other clients that must trust it. */
  readonly certificate: string;
  /**
   * Asked before each request is served (the chaos console): a fault answers the request as
   * Cosmos DB does when it throttles (429) or is unavailable (503), instead of serving it.
   * Undefined removes the hook.
   */
  setFaults(source: CosmosFaultSource | undefined): void;
  /** Closes the server, its open connections and the agent, so the process can exit. */
  stop(): Promise<void>;
}

/** What the server answers instead of serving a request to `path`, if anything. */
export type CosmosFaultSource = (path: string) => { readonly status: 429 | 503 } | undefined;

/**
 * How long the SDK is told to wait before retrying a throttled request. The SDK retries 429 up to
 * 9 times, honouring `x-ms-retry-after-ms`
 * (https://learn.microsoft.com/azure/cosmos-db/nosql/troubleshoot-request-rate-too-large), so a
 * request under a throttling fault fails after about half a second of real time, as it would
 * once the SDK's retries ran out.
 */
const THROTTLE_RETRY_AFTER_MS = 50;

function answerFault(response: http.ServerResponse, status: 429 | 503): void {
  const body =
    status === 429
      ? {
          code: 'TooManyRequests',
          message: 'Request rate is large. More Request Units may be needed (simulated throttling).',
        }
      : { code: 'ServiceUnavailable', message: 'The service is unavailable (simulated outage).' };
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-ms-activity-id': randomUUID(),
    ...(status === 429
      ? { 'x-ms-retry-after-ms': String(THROTTLE_RETRY_AFTER_MS), 'x-ms-substatus': '3200' }
      : {}),
  });
  response.end(JSON.stringify(body));
}

/**
 * Starts `@vercel/cosmosdb-server` in this process over https, with a self-signed certificate
 * made for this start, and with transactional batches made atomic (see `installAtomicBatch`).
 * State is in memory and ends with the process (docs/azure.md §11).
 *
 * @example
 * const cosmos = await startEmbeddedCosmos();
 * const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent });
 * // ...
 * client.dispose();
 * await cosmos.stop();
 */
export async function startEmbeddedCosmos(
  options: { port?: number; host?: string } = {},
): Promise<EmbeddedCosmos> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  installAtomicBatch();
  const { createHttpsServer } = await import('@vercel/cosmosdb-server');
  const { cert, key } = createSelfSignedCertificate({
    hosts: unique([host, '127.0.0.1', '::1', 'localhost']),
  });
  const server = createHttpsServer({ cert, key, keepAlive: true });
  let faults: CosmosFaultSource | undefined;
  // The server's own handler runs only for requests no fault answers.
  const serve = server.listeners('request') as ((
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const fault = faults?.(request.url ?? '/');
    if (fault !== undefined) {
      request.resume();
      answerFault(response, fault.status);
      return;
    }
    for (const listener of serve) listener.call(server, request, response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const agent = new https.Agent({ ca: cert, keepAlive: true });

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `https://${urlHost}:${address.port}/`,
    key: EMBEDDED_COSMOS_KEY,
    agent,
    certificate: cert,
    setFaults: (source) => {
      faults = source;
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve, reject) => {
        agent.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
        // close() waits for keep-alive sockets to go idle; nothing more will be served.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
