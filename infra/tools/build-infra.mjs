#!/usr/bin/env node
// Compiles every Bicep entry point to ARM JSON under dist/, with the linter of infra/bicepconfig.json.
// Fails on any error AND any warning: a rule worth having is worth keeping at zero findings, and
// Bicep reports unknown properties, wrong enum values and API versions it has no types for
// (BCP037, BCP036, BCP081) as warnings, which would otherwise slip through.
//
// Entry points: the stamp (infra/bicep/main.bicep), the global resources (infra/global/main.bicep),
// the control plane for azd (infra/main.bicep) and every module test (infra/tests/e2e/*/main.test.bicep).
// Output: dist/<same path>.json, e.g. dist/infra/bicep/main.json, which the Deployer deploys.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { ensureBicep } from './ensure-bicep.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONCURRENCY = 2;

/** @returns {string[]} entry points, relative to the repository root */
export function entryPoints() {
  const fixed = ['infra/bicep/main.bicep', 'infra/global/main.bicep', 'infra/main.bicep'];
  const e2eRoot = join(repoRoot, 'infra', 'tests', 'e2e');
  const cases = existsSync(e2eRoot)
    ? readdirSync(e2eRoot, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `infra/tests/e2e/${entry.name}/main.test.bicep`)
        .filter((file) => existsSync(join(repoRoot, file)))
        .sort()
    : [];
  return [...fixed, ...cases];
}

/**
 * @typedef {{ file: string, line: number, column: number, level: string, code: string, message: string }} Diagnostic
 */

/**
 * Bicep's default diagnostic lines: `path(line,col) : Level code: message`.
 * @param {string} text
 * @returns {Diagnostic[]}
 */
export function parseDiagnostics(text) {
  /** @type {Diagnostic[]} */
  const found = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^(.*)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:]+): (.*)$/.exec(line);
    if (match === null) continue;
    const [, file = '', lineNo = '0', col = '0', level = '', code = '', message = ''] = match;
    found.push({ file, line: Number(lineNo), column: Number(col), level, code, message });
  }
  return found;
}

/**
 * @param {string} bicep
 * @param {string} entry
 * @returns {Promise<{ entry: string, code: number | null, output: string, diagnostics: Diagnostic[], ms: number }>}
 */
function build(bicep, entry) {
  const outfile = join(repoRoot, 'dist', entry.replace(/\.bicep$/, '.json'));
  mkdirSync(dirname(outfile), { recursive: true });
  const started = Date.now();
  return new Promise((resolveBuild, reject) => {
    const child = spawn(bicep, ['build', join(repoRoot, entry), '--outfile', outfile], { cwd: repoRoot });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) =>
      resolveBuild({ entry, code, output, diagnostics: parseDiagnostics(output), ms: Date.now() - started }),
    );
  });
}

async function main() {
  const started = Date.now();
  const bicep = ensureBicep();
  const entries = entryPoints();
  const queue = [...entries];
  /** @type {Awaited<ReturnType<typeof build>>[]} */
  const results = [];
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      results.push(await build(bicep, entry));
    }
  });
  await Promise.all(workers);

  let failed = 0;
  for (const result of results.sort((a, b) => a.entry.localeCompare(b.entry))) {
    const findings = result.diagnostics.filter((d) => d.level === 'Error' || d.level === 'Warning');
    const ok = result.code === 0 && findings.length === 0;
    if (!ok) failed += 1;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${result.entry} (${result.ms} ms)\n`);
    for (const d of findings) {
      process.stdout.write(
        `     ${relative(repoRoot, d.file)}(${d.line},${d.column}) ${d.level} ${d.code}: ${d.message}\n`,
      );
    }
    if (result.code !== 0 && findings.length === 0) process.stdout.write(result.output);
  }
  process.stdout.write(
    `build:infra: ${results.length - failed} of ${results.length} templates compiled clean in ${Date.now() - started} ms\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
