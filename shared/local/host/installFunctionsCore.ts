import Module from 'node:module';

import { FunctionRegistry } from './functionRegistry';
import { type CoreLogSink, createFunctionsCore, type FunctionsCoreApi } from './functionsCore';

/** The module name the Node worker serves and `@azure/functions` requires lazily. */
export const FUNCTIONS_CORE_MODULE = '@azure/functions-core';

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

interface Installed {
  readonly registry: FunctionRegistry;
  readonly core: FunctionsCoreApi;
}

let installed: Installed | undefined;
let logSink: CoreLogSink | undefined;

/**
 * Makes `require('@azure/functions-core')` return this host's core API, as the Node worker
 * does, and returns the process-wide registry that receives every `app.*` / `df.app.*`
 * registration. Idempotent. It must run before the first registration in the process:
 * `@azure/functions` looks the module up once and otherwise stays in "test mode".
 *
 * @example
 * const registry = installFunctionsCore();
 * await import('../../functions/index.js'); // every app.http / df.app.* call lands in registry
 */
export function installFunctionsCore(options: { log?: CoreLogSink } = {}): FunctionRegistry {
  if (options.log !== undefined) logSink = options.log;
  if (installed !== undefined) return installed.registry;
  const registry = new FunctionRegistry();
  const core = createFunctionsCore(registry, (level, category, message) =>
    logSink?.(level, category, message),
  );
  const loader = Module as unknown as { _load: ModuleLoad };
  const originalLoad = loader._load;
  loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === FUNCTIONS_CORE_MODULE) return core;
    return originalLoad.call(this, request, parent, isMain);
  };
  installed = { registry, core };
  return registry;
}

/** The registry, if {@link installFunctionsCore} has run. */
export function installedRegistry(): FunctionRegistry | undefined {
  return installed?.registry;
}

/**
 * Installs the core, then imports the function app entry module (an absolute path or file
 * URL), so that its registrations land in the returned registry.
 */
export async function loadFunctionApp(
  entry: string,
  options: { log?: CoreLogSink } = {},
): Promise<FunctionRegistry> {
  const registry = installFunctionsCore(options);
  await import(entry);
  return registry;
}
