import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import { installFunctionsCore } from '../../shared/local/host/installFunctionsCore';

/** Where the host and durable fixtures' clocks start. */
export const FIXTURE_START = new Date('2025-03-01T12:00:00.000Z');

/**
 * Installs the functions core, then imports a fixture app so that its registrations are captured.
 * The import is the caller's, since the path is relative to its folder.
 */
export async function loadFixtureApp(importApp: () => Promise<unknown>): Promise<FunctionRegistry> {
  const registry = installFunctionsCore();
  await importApp();
  return registry;
}
