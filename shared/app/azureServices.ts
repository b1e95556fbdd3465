import {
  createCosmosIdempotencyStore,
  createCosmosIncidentLog,
  createCosmosSignalLog,
  createCosmosStampStore,
  ensureStampsDatabase,
  getCosmosClient,
} from '../azure/cosmos';
import { createAzureAdapters } from '../azure/index';
import { type Env, loadConfig } from '../config/loadConfig';
import { TerminalError } from '../errors';
import { systemClock } from '../ports/clock';
import { recordingIncidents } from './incidents';
import type { Services } from './serviceTypes';
import { SignalCounts } from './signalCounts';

/**
 * The services on Azure: Cosmos DB with the app's managed identity and the Azure adapters of
 * shared/azure/, built from the app settings on first use.
 */
export async function buildAzureServices(env: Env): Promise<Services> {
  const config = loadConfig(env);
  if (config.cloud !== 'azure' || config.cosmos.endpoint === undefined) {
    throw new TerminalError(
      'the function app on Azure needs STAMPS_CLOUD=azure and Cosmos__accountEndpoint; locally, run `npm start`',
      'NotConfigured',
    );
  }
  const client = await getCosmosClient({
    endpoint: config.cosmos.endpoint,
    ...(config.cosmos.key === undefined ? {} : { key: config.cosmos.key }),
  });
  const { databaseName } = await ensureStampsDatabase(client, { databaseName: config.cosmos.database });
  const adapters = createAzureAdapters(config);
  const incidents = createCosmosIncidentLog({ client, databaseName });
  return {
    config,
    clock: systemClock,
    store: createCosmosStampStore({ client, databaseName }),
    deployer: adapters.deployer,
    traffic: adapters.trafficManager,
    originHealth: adapters.originHealthProbe,
    bus: adapters.lifecycleBus,
    events: recordingIncidents(adapters.eventPublisher, incidents),
    operations: adapters.stampOperations,
    originMetrics: adapters.originMetrics,
    stampMetrics: adapters.stampMetrics,
    archive: adapters.recordArchive,
    signals: createCosmosSignalLog({ client, databaseName }),
    idempotency: createCosmosIdempotencyStore({ client, databaseName }),
    signalCounts: new SignalCounts(systemClock.now().toISOString()),
    incidents,
  };
}
