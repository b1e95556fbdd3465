import type { Agent } from 'node:https';

import { CosmosClient } from '@azure/cosmos';

/**
 * How to reach Cosmos DB. With `key`: the emulator or the embedded server (a key is never used
 * against a real account here). Without: Entra ID through `DefaultAzureCredential` (managed
 * identity on Azure, the developer's login locally), the identity-based connection pattern
 * of Functions (`Cosmos__accountEndpoint`).
 */
export interface CosmosConnection {
  readonly endpoint: string;
  readonly key?: string;
  /** An https agent, e.g. one that trusts the embedded server's self-signed certificate. */
  readonly agent?: Agent;
}

const clients = new Map<string, Promise<CosmosClient>>();

/**
 * The process's one `CosmosClient` for a connection, built on first use. A client per call
 * exhausts sockets; callers inject this one into the adapters.
 *
 * @example
 * const client = await getCosmosClient({ endpoint: config.cosmos.accountEndpoint });
 */
export function getCosmosClient(connection: CosmosConnection): Promise<CosmosClient> {
  const cacheKey = `${connection.endpoint}|${connection.key === undefined ? 'entra' : 'key'}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = createCosmosClient(connection);
    clients.set(cacheKey, client);
    // A failed build (e.g. @azure/identity missing) must not be cached forever.
    client.catch(() => clients.delete(cacheKey));
  }
  return client;
}

/**
 * Builds a new client; prefer `getCosmosClient`, which keeps one per process. `@azure/identity` is
 * loaded only on the Entra ID path, so local runs with a key never load it.
 */
export async function createCosmosClient(connection: CosmosConnection): Promise<CosmosClient> {
  const { endpoint, key, agent } = connection;
  if (key !== undefined) {
    return new CosmosClient({ endpoint, key, ...(agent ? { agent } : {}) });
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new CosmosClient({
    endpoint,
    aadCredentials: new DefaultAzureCredential(),
    ...(agent ? { agent } : {}),
  });
}

/** Disposes every cached client (their background endpoint refresh keeps timers), e.g. at shutdown. */
export async function disposeCosmosClients(): Promise<void> {
  const pending = [...clients.values()];
  clients.clear();
  const settled = await Promise.allSettled(pending);
  for (const result of settled) if (result.status === 'fulfilled') result.value.dispose();
}
