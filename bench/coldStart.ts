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

/** B4: importing the function app's entry vs only the two Functions libraries, alternating, each in a fresh process. */
export function measureColdStart(reps: number): { app: number; libraries: number } {
  const app: number[] = [];
  const libraries: number[] = [];
  for (let r = 0; r < reps; r += 1) {
    libraries.push(importTime(['@azure/functions', 'durable-functions']));
    app.push(importTime([join(ROOT, 'dist/functions/index.js')]));
  }
  return { app: median(app), libraries: median(libraries) };
}
