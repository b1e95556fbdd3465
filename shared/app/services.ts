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
