import type { Config } from '../config/loadConfig';
import type { Clock } from '../ports/clock';
import type { Deployer } from '../ports/deployer';
import type { EventPublisher } from '../ports/eventPublisher';
import type { LifecycleBus } from '../ports/lifecycleBus';
import type { StampOperations } from '../ports/stampOperations';
import type { StampStore } from '../ports/stampStore';
import type { OriginHealthProbe, TrafficManager } from '../ports/trafficManager';

/** Everything the functions need from the outside world, built once per process. */
export interface Services {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: StampStore;
  readonly deployer: Deployer;
  readonly traffic: TrafficManager;
  readonly originHealth: OriginHealthProbe;
  readonly bus: LifecycleBus;
  readonly events: EventPublisher;
  readonly operations: StampOperations;
}

type ServicesFactory = () => Promise<Services>;

let factory: ServicesFactory | undefined;
let built: Promise<Services> | undefined;

/**
 * Sets how the process builds its services. The local host calls this before the function app
 * is imported (embedded Cosmos, simulated Azure, local transports); on Azure nobody does and
 * the default builds the Azure adapters from the app settings.
 */
export function provideServices(next: ServicesFactory): void {
  factory = next;
  built = undefined;
}

/** The process's services, built on first use (lazily, so a cold start loads only what it needs). */
export function services(): Promise<Services> {
  if (built === undefined) {
    const make = factory ?? defaultAzureServices;
    built = make();
    built.catch(() => {
      built = undefined;
    });
  }
  return built;
}

async function defaultAzureServices(): Promise<Services> {
  const { buildAzureServices } = await import('./azureServices.js');
  return buildAzureServices(process.env);
}
