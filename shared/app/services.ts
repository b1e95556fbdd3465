import { tracedServices } from '../telemetry/tracedServices';
import type { Services } from './serviceTypes';

export type { Services };

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
    // Outbound ports and the publisher traced once, here, for every function of the app.
    built = make().then(tracedServices);
    built.catch(() => {
      built = undefined;
    });
  }
  return built;
}

async function defaultAzureServices(): Promise<Services> {
  const [{ buildAzureServices }, { installAzureMonitor }] = await Promise.all([
    import('./azureServices.js'),
    import('../telemetry/azureMonitor.js'),
  ]);
  try {
    await installAzureMonitor(process.env);
  } catch (error) {
    // Telemetry that cannot start must not stop the control plane: it runs, unobserved, and says so.
    console.warn(
      `Azure Monitor telemetry not started: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return buildAzureServices(process.env);
}
