/**
 * Helpers for the infrastructure tests: read the compiled ARM templates under dist/infra (written
 * by `npm run build:infra`), walk their resources through nested deployments, and evaluate a
 * compiled template with given parameters through `bicep snapshot`, which expands loops,
 * conditions, variables and module parameters into the resources ARM would be asked to create.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root (this file runs from dist/test/infra/). */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const compiledRoot = join(repoRoot, 'dist', 'infra');
const snapshotRoot = join(compiledRoot, 'snapshots');

export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000a1';
export const TENANT_ID = '00000000-0000-0000-0000-0000000000b2';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown, what: string): JsonRecord {
  if (!isRecord(value)) throw new TypeError(`${what}: expected an object, got ${JSON.stringify(value)}`);
  return value;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what}: expected an array, got ${JSON.stringify(value)}`);
  return value as unknown[];
}

/** The value at a dotted path (`properties.network.publicNetworkAccess`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** A compiled template, by its path under dist/infra (e.g. `stamp/main.json`). */
export function compiled(path: string): JsonRecord {
  const file = join(compiledRoot, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:infra first`);
  return asRecord(readJson(file), path);
}

/** Every compiled template under dist/infra (not the snapshots), as paths relative to it. */
export function compiledTemplatePaths(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== snapshotRoot) walk(full);
      } else if (entry.name.endsWith('.json')) {
        found.push(relative(compiledRoot, full));
      }
    }
  };
  walk(compiledRoot);
  return found.sort();
}

export interface TemplateResource {
  readonly where: string;
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: unknown;
  readonly existing: boolean;
  readonly body: JsonRecord;
}

/** The `resources` of a template, whether an array (languageVersion 1) or a symbol map (2.0). */
function resourceEntries(template: JsonRecord): [string, unknown][] {
  const resources = template['resources'];
  if (Array.isArray(resources)) return resources.map((r, i): [string, unknown] => [String(i), r]);
  if (isRecord(resources)) return Object.entries(resources);
  return [];
}

/** Every resource of a compiled template, descending into nested deployments' templates. */
export function templateResources(template: JsonRecord, where: string): TemplateResource[] {
  const found: TemplateResource[] = [];
  for (const [symbol, raw] of resourceEntries(template)) {
    const body = asRecord(raw, `${where} resource ${symbol}`);
    const type = body['type'];
    if (typeof type !== 'string') throw new TypeError(`${where} resource ${symbol}: no type`);
    found.push({
      where,
      symbol,
      type,
      apiVersion: body['apiVersion'],
      existing: body['existing'] === true,
      body,
    });
    const nested = at(body, 'properties.template');
    if (type === 'Microsoft.Resources/deployments' && isRecord(nested)) {
      found.push(...templateResources(nested, `${where} > ${symbol}`));
    }
  }
  return found;
}

export interface TemplateOutput {
  readonly where: string;
  readonly name: string;
  readonly type: unknown;
  readonly value: unknown;
}

/** Every output of a compiled template and of its nested deployments' templates. */
export function templateOutputs(template: JsonRecord, where: string): TemplateOutput[] {
  const found: TemplateOutput[] = [];
  const outputs = template['outputs'];
  if (isRecord(outputs)) {
    for (const [name, raw] of Object.entries(outputs)) {
      const output = asRecord(raw, `${where} output ${name}`);
      found.push({ where, name, type: output['type'], value: output['value'] ?? output['copy'] });
    }
  }
  for (const [symbol, raw] of resourceEntries(template)) {
    const nested = at(raw, 'properties.template');
    if (isRecord(nested)) found.push(...templateOutputs(nested, `${where} > ${symbol}`));
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// bicep snapshot
// ---------------------------------------------------------------------------------------------

let bicepBinary: string | undefined;

/** The Bicep CLI, installed by the project's own installer if needed. */
export function bicep(): string {
  if (bicepBinary !== undefined) return bicepBinary;
  const run = spawnSync(process.execPath, [join(repoRoot, 'infra', 'tools', 'ensure-bicep.mjs')], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`ensure-bicep failed: ${run.stderr}`);
  bicepBinary = run.stdout.trim();
  return bicepBinary;
}

export interface SnapshotResource {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly body: JsonRecord;
}

export interface Snapshot {
  readonly resources: readonly SnapshotResource[];
  readonly outputs: JsonRecord;
  readonly diagnostics: readonly unknown[];
  ofType(type: string): SnapshotResource[];
}

export type ParameterValue = string | number | boolean;

function bicepLiteral(value: ParameterValue): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

/**
 * Evaluates a compiled template (path under dist/infra) with the given parameters, as ARM would
 * at the start of a deployment in {@link SUBSCRIPTION_ID}.
 */
export function snapshot(
  templatePath: string,
  name: string,
  parameters: Readonly<Record<string, ParameterValue>>,
  location: string,
): Snapshot {
  return snapshotIn(snapshotRoot, `../${templatePath}`, name, parameters, location);
}

/**
 * Evaluates the template at `templateReference` (relative to `directory`, where the parameter
 * file and the snapshot are written), as ARM would at the start of a deployment.
 */
export function snapshotIn(
  directory: string,
  templateReference: string,
  name: string,
  parameters: Readonly<Record<string, ParameterValue>>,
  location: string,
): Snapshot {
  mkdirSync(directory, { recursive: true });
  const paramFile = join(directory, `${name}.bicepparam`);
  const lines = [`using '${templateReference}'`, ''];
  for (const [key, value] of Object.entries(parameters)) lines.push(`param ${key} = ${bicepLiteral(value)}`);
  writeFileSync(paramFile, `${lines.join('\n')}\n`);
  const run = spawnSync(
    bicep(),
    [
      'snapshot',
      paramFile,
      '--mode',
      'overwrite',
      '--subscription-id',
      SUBSCRIPTION_ID,
      '--tenant-id',
      TENANT_ID,
      '--location',
      location,
      '--deployment-name',
      `test-${name}`,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`bicep snapshot ${name} failed:\n${run.stdout}\n${run.stderr}`);
  const result = asRecord(readJson(join(directory, `${name}.snapshot.json`)), `${name} snapshot`);
  const resources = asArray(result['predictedResources'], 'predictedResources').map((raw, i) => {
    const body = asRecord(raw, `predictedResources[${i}]`);
    const { id, type, name: resourceName } = body;
    if (typeof id !== 'string' || typeof type !== 'string' || typeof resourceName !== 'string') {
      throw new TypeError(`predictedResources[${i}]: id, type or name is not a string`);
    }
    return { id, type, name: resourceName, body };
  });
  return {
    resources,
    outputs: asRecord(result['outputs'] ?? {}, 'outputs'),
    diagnostics: asArray(result['diagnostics'] ?? [], 'diagnostics'),
    ofType: (type: string) => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase()),
  };
}

/** The resource of a type that must exist exactly `count` times; fails naming what was found. */
export function exactly(snap: Snapshot, type: string, count: number): SnapshotResource[] {
  const found = snap.ofType(type);
  if (found.length !== count) {
    throw new Error(
      `expected ${count} × ${type}, found ${found.length}: ${found.map((r) => r.name).join(', ')}`,
    );
  }
  return found;
}

/**
 * Checks that a role assignment's name is guid(scope, principal, role):
 * its predicted id still holds the guid() expression, because the principal is known only once
 * the identity exists.
 */
export function assertNamedFromScopePrincipalRole(assignment: SnapshotResource): void {
  const role = String(at(assignment.body, 'properties.roleDefinitionId')).split('/').pop() ?? '';
  const principal = String(at(assignment.body, 'properties.principalId')).replace(/^\[|\]$/g, '');
  const guidCall = /guid\('([^']+)', (.*)\)/.exec(assignment.id);
  if (guidCall === null) throw new Error(`${assignment.id}: name is not a guid() of the principal`);
  const [, scope = '', rest = ''] = guidCall;
  const scoped = /^\[extensionResourceId\('([^']+)'/.exec(assignment.id);
  const expectedScope = scoped?.[1] ?? `/subscriptions/${SUBSCRIPTION_ID}`;
  if (scope !== expectedScope)
    throw new Error(`${assignment.id}: guid() scope ${scope}, expected ${expectedScope}`);
  if (!rest.includes(principal)) throw new Error(`${assignment.id}: guid() does not include ${principal}`);
  if (role.length !== 36 || !rest.includes(role))
    throw new Error(`${assignment.id}: guid() does not include ${role}`);
}
