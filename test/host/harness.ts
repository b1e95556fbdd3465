import { LocalServiceBus, type LocalServiceBusOptions } from '../../shared/local/bus/localServiceBus';
import { ManualClock } from '../../shared/local/clock/manualClock';
import { LocalDurableRuntime } from '../../shared/local/durable/runtime';
import { LocalEventGrid, type LocalEventGridOptions } from '../../shared/local/eventgrid/localEventGrid';
import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import type { HostLogLevel } from '../../shared/local/host/hostLog';
import { LocalHost } from '../../shared/local/host/localHost';
import type { HostSimulation } from '../../shared/local/host/simRoutes';
import { FIXTURE_START, loadFixtureApp } from '../support/fixtureApp';
import { perSuite } from '../support/lifetime';
import { resetProbes } from './fixtures/probes';

export { FIXTURE_START as START } from '../support/fixtureApp';

export interface HostHarness {
  readonly host: LocalHost;
  readonly origin: string;
  readonly clock: ManualClock;
  readonly runtime: LocalDurableRuntime;
  readonly bus: LocalServiceBus;
  readonly eventGrid: LocalEventGrid;
  readonly registry: FunctionRegistry;
  readonly logs: { level: HostLogLevel; message: string }[];
  /** Everything idle: host, queue, Event Grid, timers, durable runtime. */
  settle(): Promise<void>;
  /** Advances the manual clock, then settles. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly simulation?: HostSimulation;
  readonly bus?: Partial<LocalServiceBusOptions>;
  readonly eventGrid?: Partial<LocalEventGridOptions>;
}

/** A started local host on port 0 with a manual clock, the real runtime, bus and Event Grid. */
export async function startHost(options: HarnessOptions = {}): Promise<HostHarness> {
  resetProbes();
  const registry = await loadFixtureApp(() => import('./fixtures/index.js'));
  const clock = new ManualClock(FIXTURE_START);
  const logs: { level: HostLogLevel; message: string }[] = [];
  const log = (level: HostLogLevel, message: string): void => {
    logs.push({ level, message });
  };
  const runtime = new LocalDurableRuntime({ registry, clock });
  await runtime.start();
  const bus = new LocalServiceBus({ clock, log, ...options.bus });
  const eventGrid = new LocalEventGrid({ clock, log, ...options.eventGrid });
  const transports = { bus, eventGrid };
  const host = new LocalHost({
    ...transports,
    registry,
    runtime,
    clock,
    port: 0,
    log,
    ...(options.simulation === undefined ? {} : { simulation: options.simulation }),
  });
  const origin = await host.start();
  return {
    host,
    origin,
    clock,
    runtime,
    bus,
    eventGrid,
    registry,
    logs,
    settle: () => host.idle(),
    advance: async (ms: number) => {
      await clock.advance(ms);
      await host.idle();
    },
    stop: async () => {
      await host.stop();
      await runtime.stop();
    },
  };
}

/** A JSON body and its status, for brevity in assertions. */
export async function fetchJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text.length === 0 ? undefined : JSON.parse(text),
  };
}

/** One started host for a suite, with the fixture probes reset before each test. */
export function hostSuite(options: HarnessOptions = {}): () => HostHarness {
  return perSuite(
    () => startHost(options),
    (h) => h.stop(),
    () => resetProbes(),
  );
}

/** Starts the fixture orchestration through the fixture app's HTTP starter; the answer is 202. */
export function startOrchestration(
  h: HostHarness,
  body: { id: string; value: number },
): Promise<{ status: number; headers: Headers; body: unknown }> {
  return fetchJson(`${h.origin}/api/stamps`, { method: 'POST', body: JSON.stringify(body) });
}
