import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { median } from './stats';

const ROOT = join(__dirname, '../..');

/** Milliseconds to require `modules` in a fresh node process, measured inside it. */
function importTime(modules: readonly string[]): number {
  const script = `const t=performance.now();${modules.map((m) => `require(${JSON.stringify(m)});`).join('')}process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(out);
}

export interface ColdStart {
  /** The function app's entry: every function registered, none of their handlers loaded. */
  readonly app: number;
  /** `@azure/functions` and `durable-functions` alone. */
  readonly libraries: number;
  /** The entry and what the first alert loads (the receiver's module and all it imports). */
  readonly firstAlert: number;
}

/**
 * B4: importing the function app's entry vs only the two Functions libraries, alternating, each in
 * a fresh process; and, for the record, the entry plus the alert receiver's module, which is what
 * a cold instance loads before it answers its first alert.
 */
export function measureColdStart(reps: number): ColdStart {
  const app: number[] = [];
  const libraries: number[] = [];
  const firstAlert: number[] = [];
  const entry = join(ROOT, 'dist/functions/index.js');
  for (let r = 0; r < reps; r += 1) {
    libraries.push(importTime(['@azure/functions', 'durable-functions']));
    app.push(importTime([entry]));
    firstAlert.push(importTime([entry, join(ROOT, 'dist/functions/handlers/alerts.js')]));
  }
  return { app: median(app), libraries: median(libraries), firstAlert: median(firstAlert) };
}
