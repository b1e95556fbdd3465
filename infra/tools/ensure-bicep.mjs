#!/usr/bin/env node
// Installs the pinned Bicep CLI when `bicep` is not on PATH, and prints the path of the binary.
//
// Why NuGet: this project's machines reach the npm, NuGet and Debian registries only, and NuGet
// serves the Bicep CLI as the package Azure.Bicep.CommandLine.linux-x64 (the binary is in its
// tools/ folder). A throwaway project with a <PackageDownload> makes `dotnet restore` fetch the
// exact version into a git-ignored cache; nothing is built. Idempotent: a second run only checks
// that the cached binary answers with the pinned version.
//
// Usage: node infra/tools/ensure-bicep.mjs   (prints the binary's path on stdout)
//        import { ensureBicep } from './ensure-bicep.mjs'
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const BICEP_VERSION = '0.49.2';
export const BICEP_PACKAGE = 'Azure.Bicep.CommandLine.linux-x64';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'bicep', BICEP_VERSION);
const cachedBinary = join(cacheDir, 'packages', BICEP_PACKAGE.toLowerCase(), BICEP_VERSION, 'tools', 'bicep');

/**
 * The version a bicep binary reports, or undefined when it does not run.
 * @param {string} binary
 * @returns {string | undefined}
 */
export function bicepVersion(binary) {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const match = /Bicep CLI version (\d+\.\d+\.\d+)/.exec(run.stdout);
  return match?.[1];
}

/**
 * The first executable named `name` on PATH, or undefined.
 * @param {string} name
 * @returns {string | undefined}
 */
function onPath(name) {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && bicepVersion(candidate) !== undefined) return candidate;
  }
  return undefined;
}

/**
 * The major version of the installed .NET SDK, for the throwaway project's target framework.
 * @returns {string}
 */
function dotnetMajor() {
  const run = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(
      `bicep is not on PATH and the .NET SDK (dotnet) is not usable to fetch ${BICEP_PACKAGE} ${BICEP_VERSION}: ` +
        (run.error?.message ?? run.stderr),
    );
  }
  const major = /^(\d+)\./.exec(run.stdout.trim())?.[1];
  if (major === undefined) throw new Error(`cannot read the .NET SDK version from: ${run.stdout}`);
  return major;
}

/** Fetches the pinned package into the cache with `dotnet restore`. */
function install() {
  const major = dotnetMajor();
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const project = join(cacheDir, 'fetch-bicep.csproj');
  writeFileSync(
    project,
    [
      '<Project Sdk="Microsoft.NET.Sdk">',
      `  <PropertyGroup><TargetFramework>net${major}.0</TargetFramework></PropertyGroup>`,
      `  <ItemGroup><PackageDownload Include="${BICEP_PACKAGE}" Version="[${BICEP_VERSION}]" /></ItemGroup>`,
      '</Project>',
      '',
    ].join('\n'),
  );
  const run = spawnSync(
    'dotnet',
    ['restore', project, '--packages', join(cacheDir, 'packages'), '--nologo'],
    {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    },
  );
  if (run.status !== 0 || !existsSync(cachedBinary)) {
    throw new Error(
      `dotnet restore of ${BICEP_PACKAGE} ${BICEP_VERSION} failed:\n${run.stdout}\n${run.stderr}`,
    );
  }
  // NuGet does not keep the executable bit for everyone; the package's own props set it at build time.
  chmodSync(cachedBinary, 0o755);
}

/**
 * The path of a usable bicep binary: `bicep` on PATH if there is one, else the pinned version from
 * the cache, installed first if missing.
 * @returns {string}
 */
export function ensureBicep() {
  const fromPath = onPath('bicep');
  if (fromPath !== undefined) {
    const version = bicepVersion(fromPath);
    if (version !== BICEP_VERSION) {
      process.stderr.write(
        `note: using ${fromPath} (Bicep ${version ?? '?'}); the pinned version is ${BICEP_VERSION}\n`,
      );
    }
    return fromPath;
  }
  if (existsSync(cachedBinary) && bicepVersion(cachedBinary) === BICEP_VERSION) return cachedBinary;
  install();
  const version = bicepVersion(cachedBinary);
  if (version !== BICEP_VERSION) {
    throw new Error(`${cachedBinary} reports version ${version ?? '(none)'}, expected ${BICEP_VERSION}`);
  }
  return cachedBinary;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureBicep()}\n`);
}
