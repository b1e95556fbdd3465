import { ManualClock } from '../../shared/local/clock/manualClock';
import type { InstanceStatus } from '../../shared/local/durable/instanceStatus';
import { LocalDurableRuntime, type LocalDurableRuntimeOptions } from '../../shared/local/durable/runtime';
import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import { FIXTURE_START, loadFixtureApp } from '../support/fixtureApp';
import { perTest } from '../support/lifetime';
import { resetProbes } from './fixtures/probes';

export const START = FIXTURE_START;

/** The fixture app of this folder, registered. */
export function loadFixtures(): Promise<FunctionRegistry> {
  return loadFixtureApp(() => import('./fixtures/index.js'));
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

/** Starts an orchestration and waits until it has finished and the runtime is idle. */
export async function runToEnd(
  h: Harness,
  name: string,
  options: Parameters<LocalDurableRuntime['startNew']>[1],
): Promise<{ id: string; status: InstanceStatus }> {
  const id = await h.runtime.startNew(name, options);
  const status = await h.runtime.waitForStatus(id, isFinished);
  await h.runtime.idle();
  return { id, status };
}
