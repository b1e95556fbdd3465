import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

import { type E2E, type E2EOptions, startE2E } from '../e2e/support/harness';
import { perSuite } from '../support/lifetime';

/** The compiled bin, as `npx stampctl` runs it (dist/test/cli → dist/shared/cli). */
export const STAMPCTL = path.resolve(__dirname, '../../shared/cli/stampctl.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI as a child process. Asynchronous on purpose: the control plane under test serves
 * from this same process, so a synchronous spawn would block it and never get an answer.
 */
export function stampctl(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = start(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the CLI without waiting, for `watch`. STAMPCTL_* from the parent never leak in. */
export function start(
  args: readonly string[],
  env: Record<string, string> = {},
): ChildProcessWithoutNullStreams {
  const base = { ...process.env };
  delete base['STAMPCTL_URL'];
  delete base['STAMPCTL_TOKEN'];
  delete base['STAMPCTL_AUDIENCE'];
  return spawn(process.execPath, [STAMPCTL, ...args], { env: { ...base, ...env } });
}

/** A loopback port that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function parseJson(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** One control plane for the suite, and its URL for `--url`. */
export function planeForCli(options?: E2EOptions): {
  readonly e2e: () => E2E;
  readonly url: () => string;
  /** Runs `stampctl <line> --url <the plane>`; the line is split at spaces, then `more` added as they are. */
  readonly run: (line: string, ...more: string[]) => Promise<CliRun>;
} {
  const e2e = perSuite(
    () => startE2E(options),
    (r) => r.stop(),
  );
  const url = (): string => e2e().plane.origin;
  return { e2e, url, run: (line, ...more) => stampctl([...line.split(' '), ...more, '--url', url()]) };
}
