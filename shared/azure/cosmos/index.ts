export { type CosmosConnection, createCosmosClient, disposeCosmosClients, getCosmosClient } from './client';
export { type CosmosIdempotencyStoreOptions, createCosmosIdempotencyStore } from './cosmosIdempotencyStore';
export {
  type CosmosIncidentLogOptions,
  createCosmosIncidentLog,
  INCIDENT_TTL_SECONDS,
} from './cosmosIncidentLog';
export { type CosmosSignalLogOptions, createCosmosSignalLog } from './cosmosSignalLog';
export {
  type CosmosStampStore,
  type CosmosStampStoreOptions,
  createCosmosStampStore,
  processedEventDocumentId,
} from './cosmosStampStore';
export {
  DEFAULT_CONTAINER_NAMES,
  DEFAULT_DATABASE_NAME,
  DEFAULT_PROCESSED_EVENT_TTL_SECONDS,
  ensureStampsDatabase,
  type StampsContainerNames,
  type StampsDatabaseNames,
} from './database';
export { cosmosStatusOf, mapCosmosError } from './errors';
