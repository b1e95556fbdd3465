import { ManualClock } from '../../shared/local/clock/manualClock';
import type { InstanceStatus } from '../../shared/local/durable/instanceStatus';
import { LocalDurableRuntime, type LocalDurableRuntimeOptions } from '../../shared/local/durable/runtime';
import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import { installFunctionsCore } from '../../shared/local/host/installFunctionsCore';
import { perTest } from '../support/lifetime';
import { resetProbes } from './fixtures/probes';

export const START = new Date('2025-03-01T12:00:00.000Z');

/** Installs the functions core, then imports the fixture app so its registrations are captured. */
export async function loadFixtures(): Promise<FunctionRegistry> {
  const registry = installFunctionsCore();
  await import('./fixtures/index.js');
  return registry;
}

export interface Harness {
  readonly runtime: LocalDurableRuntime;
  readonly clock: ManualClock;
  readonly registry: FunctionRegistry;
}

/** A started runtime on a manual clock, with fresh probes. */
export async function startHarness(options: Partial<LocalDurableRuntimeOptions> = {}): Promise<Harness> {
  resetProbes();
  const registry = await loadFixtures();
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(START);
  const runtime = new LocalDurableRuntime({ registry, clock, ...options });
  await runtime.start();
  return { runtime, clock, registry };
}

export function isFinished(status: InstanceStatus): boolean {
  return (
    status.runtimeStatus === 'Completed' ||
    status.runtimeStatus === 'Failed' ||
    status.runtimeStatus === 'Terminated'
  );
}

/** A fresh runtime (and fresh probes) for each test of the suite. */
export function runtimePerTest(options: Partial<LocalDurableRuntimeOptions> = {}): () => Harness {
  return perTest(
    () => startHarness(options),
    (h) => h.runtime.stop(),
  );
}
