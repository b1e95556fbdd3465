import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const START = join(__dirname, '../../../shared/local/start.js');

describe('npm start (shared/local/start)', () => {
  it('exits 1 at start naming the bad key and the reason', () => {
    const run = spawnSync(process.execPath, [START], {
      env: { PATH: process.env.PATH ?? '', STAMPS_MAX_UNHEALTHY_PERCENT: '140' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /STAMPS_MAX_UNHEALTHY_PERCENT: must be a whole number from 1 to 100 \(got '140'\)/,
    );
  });

  it('exits 1 when it cannot start (the port is taken), instead of serving half a control plane', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = address !== null && typeof address !== 'string' ? address.port : 0;
    try {
      const child = spawn(process.execPath, [START], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running after 60 s:\n${stderr}`));
        }, 60_000);
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      assert.equal(code, 1, stderr);
      assert.match(stderr, /failed to start: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('serves the control plane with the seed fleet, answers the API, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [START], {
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    const regions = (await (await fetch(`${origin}/api/regions`)).json()) as {
      regions: { name: string; inRotation: number }[];
    };
    assert.deepEqual(
      regions.regions.map((r) => [r.name, r.inRotation]),
      [
        ['westeurope', 4],
        ['eastus', 3],
        ['southeastasia', 3],
      ],
    );
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    assert.equal(await exit, 0, output);
  });
});
