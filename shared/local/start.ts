/**
 * `npm start`: the control plane on this machine, with no Azure account. The function app runs
 * on the local host (http://127.0.0.1:7071), orchestrations on the local durable runtime, state
 * in the embedded Cosmos DB server through the real SDK, and Azure is simulated, on a clock that
 * runs STAMPS_TIME_SCALE times faster than real time. `--empty` starts without the seed fleet.
 * `--data-dir DIR` (or STAMPS_DATA_DIR) keeps the state in DIR across restarts.
 * An invalid setting stops it at once with the key and the reason.
 */
import { resolve } from 'node:path';

import { ConfigError, loadConfig } from '../config/loadConfig';
import { ensureError } from '../errors';
import { ScaledClock } from './clock/scaledClock';
import type { HostLog } from './host/hostLog';
import { LOCAL_ACTION_GROUP } from './host/localIdentity';
import { LocalControlPlane } from './localControlPlane';
import { readSavedState } from './persistence/stateDirectory';

// The control plane escapes every line before it reaches this sink (LocalControlPlane.start).
const log: HostLog = (level, message) => {
  if (level === 'debug') return;
  const line = `${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} ${message}\n`;
  if (level === 'error' || level === 'warn') process.stderr.write(line);
  else process.stdout.write(line);
};

/** `--data-dir DIR` (or `--data-dir=DIR`), else STAMPS_DATA_DIR; a flag without a directory is an error. */
function dataDirOf(argv: readonly string[], configured: string | undefined): string | undefined | Error {
  const at = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (at < 0) return configured;
  const flag = argv[at] ?? '';
  const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : argv[at + 1];
  if (value === undefined || value.length === 0 || value.startsWith('--'))
    return new Error('--data-dir needs a directory: npm start -- --data-dir ./local-state');
  return resolve(value);
}

async function main(): Promise<number> {
  let local: ReturnType<typeof loadConfig>['local'];
  try {
    local = loadConfig(process.env).local;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`synaxis-stamps: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const timeScale = local.timeScale;
  const dataDir = dataDirOf(process.argv.slice(2), local.dataDir);
  if (dataDir instanceof Error) {
    process.stderr.write(`synaxis-stamps: ${dataDir.message}\n`);
    return 1;
  }
  let saved;
  try {
    saved = dataDir === undefined ? undefined : await readSavedState(dataDir);
  } catch (error) {
    process.stderr.write(`synaxis-stamps: ${ensureError(error).message}\n`);
    return 1;
  }
  // Simulated time goes on from where the saved state left it, as the timers in it expect.
  const clock = new ScaledClock({
    scale: timeScale,
    ...(saved === undefined ? {} : { start: new Date(saved.clock) }),
  });
  const plane = new LocalControlPlane({
    env: process.env,
    clock,
    seed: !process.argv.includes('--empty'),
    log,
    ...(dataDir === undefined ? {} : { dataDir }),
  });
  const origin = await plane.start();
  const stamps = await plane.services.store.list();
  const signedIn = plane.identity.defaultPrincipal;
  const others = plane.config.auth.localUsers.filter((u) => u.name !== signedIn?.name);
  process.stdout.write(
    [
      `synaxis-stamps: control plane listening on ${origin} (simulated Azure, ${timeScale}× time)`,
      `  ${stamps.length} stamps: ${stamps.map((s) => `${s.id} ${s.phase}`).join(', ') || 'none (started with --empty)'}`,
      signedIn === undefined
        ? '  sign-in: strict (STAMPS_LOCAL_AUTH=strict): every request needs a local token'
        : `  sign-in: a request without a token is ${signedIn.name} (${signedIn.roles.join(', ')})`,
      // Local tokens, printed for this machine only: what a bearer token from Entra ID is on Azure.
      `  as ${LOCAL_ACTION_GROUP.name} (the alert sender, Stamps.AlertSender): -H 'authorization: Bearer ${plane.identity.tokenFor(LOCAL_ACTION_GROUP.name)}'`,
      ...others.map(
        (u) =>
          `  as ${u.name} (${u.roles.join(', ')}): STAMPCTL_TOKEN=${plane.identity.tokenFor(u.name)} or -H 'authorization: Bearer ${plane.identity.tokenFor(u.name)}'`,
      ),
      `  dashboard: ${origin}/api/dashboard`,
      `  try: curl -s ${origin}/api/regions`,
      `       curl -s -X POST ${origin}/api/stamps -H 'content-type: application/json' -d '{"region":"eastus"}'`,
      `       curl -s -X POST ${origin}/sim/stamps/weu-001/fail`,
      dataDir === undefined
        ? '  Ctrl-C stops it (state is in memory and ends with the process; --data-dir DIR keeps it).'
        : `  state: ${dataDir} (${saved === undefined ? 'new' : `resumed from ${saved.savedAt}`}; saved every 30 s and on Ctrl-C)`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('synaxis-stamps: stopping\n');
  await plane.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `synaxis-stamps: failed to start: ${ensureError(error).stack ?? ensureError(error).message}\n`,
    );
    process.exitCode = 1;
  },
);
