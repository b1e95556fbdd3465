import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const START = join(__dirname, '../../../shared/local/start.js');

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, [START], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm start (shared/local/start)', () => {
  it('exits 1 at start naming the bad key and the reason', () => {
    const run = start({ STAMPS_MAX_UNHEALTHY_PERCENT: '140' });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /STAMPS_MAX_UNHEALTHY_PERCENT: must be a whole number from 1 to 100 \(got '140'\)/,
    );
  });

  it('with the defaults, creates the store on the embedded Cosmos server and reports every region', () => {
    const run = start({});
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /embedded, in memory\), database 'stamps', containers stamps, ledger, events/);
    for (const region of ['westeurope (weu)', 'eastus (eus)', 'southeastasia (sea)'])
      assert.ok(run.stdout.includes(`region ${region}`));
  });
});
