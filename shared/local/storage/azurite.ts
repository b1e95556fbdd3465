import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Azurite's Blob service (npm `azurite`, the Azure Storage emulator) as a child process on a free
 * port, in memory: its many dependencies stay out of this process, and stopping it leaves nothing
 * on disk. Azurite has no immutability (WORM) support, so `wormBlobStandIn.ts` stands in front.
 */
export interface AzuriteBlob {
  /** `http://127.0.0.1:{port}` */
  readonly origin: string;
  stop(): Promise<void>;
}

/** Azurite's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const LISTENING = /listens on (http:\/\/[^\s]+)/;
const START_TIMEOUT_MS = 30_000;

/** `location`: a directory Azurite keeps its blobs in (--data-dir); in memory without it. */
export async function startAzuriteBlob(options: { readonly location?: string } = {}): Promise<AzuriteBlob> {
  // Not the parent's NODE_V8_COVERAGE (c8): Azurite's coverage is not ours to collect.
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(__dirname, 'azuriteChild.js'),
      require.resolve('azurite/dist/src/blob/main.js'),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      ...(options.location === undefined
        ? ['--inMemoryPersistence', '--extentMemoryLimit', '256']
        : ['--location', options.location]),
      // The SDK sends a newer x-ms-version than this Azurite (pinned for Node 20) knows.
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const origin = await listeningOrigin(child);
  let stopped: Promise<void> | undefined;
  return {
    origin,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        process.off('exit', killOnExit);
        child.once('exit', () => resolve());
        if (options.location === undefined) {
          child.stdin?.end();
          child.kill('SIGTERM');
          return;
        }
        // On disk, Azurite writes its metadata database as it closes: SIGTERM starts the close, and
        // only once it says it closed does stdin end (which exits it, azuriteChild.ts).
        const closed = (chunk: Buffer): void => {
          if (!chunk.toString('utf8').includes('successfully closed')) return;
          child.stdout?.off('data', closed);
          child.stdin?.end();
        };
        child.stdout?.on('data', closed);
        child.kill('SIGTERM');
        setTimeout(() => child.stdin?.end(), START_TIMEOUT_MS).unref();
      });
      return stopped;
    },
  };
}

function listeningOrigin(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms: ${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output = `${output}${chunk.toString('utf8')}`.slice(-4000);
      const match = LISTENING.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining its output (a full pipe would block it), without holding the process open.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(match[1].replace(/\/+$/, ''));
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = `${output}${chunk.toString('utf8')}`.slice(-4000);
    });
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      fail(new Error(`Azurite exited (${code ?? signal ?? '?'}) before listening: ${output}`)),
    );
  });
}
