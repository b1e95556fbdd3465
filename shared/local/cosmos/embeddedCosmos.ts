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
  /** Closes the server, its open connections and the agent, so the process can exit. */
  stop(): Promise<void>;
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
