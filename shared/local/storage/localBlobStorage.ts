import { join } from 'node:path';

import type { Clock } from '../../ports/clock';
import { AZURITE_ACCOUNT, AZURITE_KEY, type AzuriteBlob, startAzuriteBlob } from './azurite';
import { startWormBlobStandIn } from './wormBlobStandIn';

/**
 * Blob storage on this machine: Azurite (the real emulator) behind the WORM stand-in, reached
 * by the real `@azure/storage-blob` client with Azurite's development account key. The given
 * containers have version-level immutability, as the archive container has on Azure.
 */
export interface LocalBlobStorage {
  /** `http://127.0.0.1:{port}/devstoreaccount1` */
  readonly accountUrl: string;
  readonly accountName: string;
  readonly accountKey: string;
  stop(): Promise<void>;
}

export async function startLocalBlobStorage(options: {
  readonly clock: Pick<Clock, 'now'>;
  /** Containers with version-level immutability; read on each request, so it may grow. */
  readonly wormContainers: readonly string[];
  /** Keeps the blobs and their protections in this directory across restarts (--data-dir). */
  readonly dataDir?: string;
}): Promise<LocalBlobStorage> {
  const azurite: AzuriteBlob = await startAzuriteBlob(
    options.dataDir === undefined ? {} : { location: join(options.dataDir, 'blob') },
  );
  try {
    const worm = await startWormBlobStandIn({
      upstream: azurite.origin,
      clock: options.clock,
      accountKey: AZURITE_KEY,
      ...(options.dataDir === undefined ? {} : { stateFile: join(options.dataDir, 'blob-protections.json') }),
      isWormContainer: (path) =>
        options.wormContainers.some((container) => path === `${AZURITE_ACCOUNT}/${container}`),
    });
    return {
      accountUrl: `${worm.origin}/${AZURITE_ACCOUNT}`,
      accountName: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      async stop() {
        await worm.close();
        await azurite.stop();
      },
    };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

/** Local blob storage started on the first `get()`; `stop()` stops it if it was started. */
export interface LazyLocalBlobStorage {
  get(): Promise<LocalBlobStorage>;
  stop(): Promise<void>;
}

export function lazyLocalBlobStorage(
  options: Parameters<typeof startLocalBlobStorage>[0],
): LazyLocalBlobStorage {
  let started: Promise<LocalBlobStorage> | undefined;
  let stopped = false;
  return {
    get() {
      if (stopped) return Promise.reject(new Error('local blob storage was stopped'));
      started ??= startLocalBlobStorage(options);
      started.catch(() => {
        started = undefined;
      });
      return started;
    },
    async stop() {
      stopped = true;
      const running = started;
      started = undefined;
      if (running !== undefined) await (await running.catch(() => undefined))?.stop();
    },
  };
}
