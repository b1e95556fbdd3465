import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ACTIVITY_NAMES } from '../../shared/app/orchestration/names';

const run = promisify(execFile);

/**
 * In a fresh Node process, as a cold Functions worker: the host's core installed, the app's entry
 * required. Reports the app's own modules and the packages the entry loaded, and again after the
 * alert receiver's handler module has been loaded the way its first invocation loads it.
 */
const CHILD = String.raw`
const { join, relative } = require('node:path');
const root = process.env.DIST_ROOT;
const { installFunctionsCore } = require(join(root, 'shared/local/host/installFunctionsCore.js'));
const registry = installFunctionsCore();
const before = new Set(Object.keys(require.cache));
function loaded() {
  const files = Object.keys(require.cache).filter((f) => !before.has(f));
  const own = files.filter((f) => !f.includes('node_modules')).map((f) => relative(root, f).replace(/\\/g, '/'));
  const packages = files
    .map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f))
    .filter(Boolean)
    .map((m) => m[1].replace('\\', '/'));
  return { own: [...new Set(own)].sort(), packages: [...new Set(packages)].sort() };
}
require(join(root, 'functions/index.js'));
const atStart = loaded();
const registered = registry.list().map((f) => f.name);
require(join(root, 'functions/lazy.js')).handlerModule('./handlers/alerts')();
const afterAlert = loaded();
process.stdout.write(JSON.stringify({ atStart, afterAlert, registered }));
`;

interface Loaded {
  readonly own: string[];
  readonly packages: string[];
}

void describe('the function app registers every function and loads no handler until one runs', () => {
  void it('the entry loads the registrations only; the first alert loads its handler and what it needs', async () => {
    const { stdout } = await run(process.execPath, ['-e', CHILD], {
      env: { ...process.env, DIST_ROOT: join(__dirname, '../..') },
      timeout: 20_000,
    });
    const { atStart, afterAlert, registered } = JSON.parse(stdout) as {
      atStart: Loaded;
      afterAlert: Loaded;
      registered: string[];
    };
    for (const name of ['alerts', 'createStamp', 'drainStamp', 'onStampSignal', 'onLifecycleMessage'])
      assert.ok(registered.includes(name), `${name} is registered`);
    assert.ok(registered.includes('stampLifecycle'), 'the orchestration is registered');
    for (const name of ACTIVITY_NAMES) assert.ok(registered.includes(name), `activity ${name} is registered`);

    const handlersAtStart = atStart.own.filter((f) => f.startsWith('functions/handlers/'));
    assert.deepEqual(handlersAtStart, [], 'no handler module at start');
    assert.deepEqual(
      atStart.own.filter((f) => f.startsWith('shared/')),
      ['shared/app/orchestration/names.js', 'shared/ports/lifecycleBus.js'],
      'of shared/, only the names the registrations use',
    );
    assert.ok(!atStart.packages.includes('zod'), 'no validation schemas at start');

    // The control: the same probe sees the receiver's module and its schemas once it is loaded,
    // and still none of the other functions' handlers.
    assert.ok(afterAlert.own.includes('functions/handlers/alerts.js'), JSON.stringify(afterAlert.own));
    assert.ok(afterAlert.packages.includes('zod'), 'the receiver validates with zod');
    assert.deepEqual(
      afterAlert.own.filter((f) => f.startsWith('functions/handlers/')),
      ['functions/handlers/alerts.js'],
      'only the alert receiver is loaded',
    );
  });
});
