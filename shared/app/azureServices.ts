import type { Env } from '../config/loadConfig';
import { TerminalError } from '../errors';
import type { Services } from './services';

/**
 * The services on Azure: Cosmos DB with the app's managed identity and the Azure adapters of
 * shared/azure/. Built from the app settings on first use.
 */
export function buildAzureServices(_env: Env): Promise<Services> {
  return Promise.reject(
    new TerminalError(
      'the Azure adapters (ARM, Front Door, Service Bus, Event Grid) are not wired yet; run the local host (npm start)',
      'NotWired',
    ),
  );
}
