/**
 * `npm start`: the control plane on this machine. Until the function-app issue lands this
 * validates the configuration, starts the embedded Cosmos DB server (when no endpoint is
 * configured), creates the database, containers and region ledgers through the real SDK,
 * reports them and exits. An invalid setting stops it with the key and the reason.
 */
import {
  createCosmosStampStore,
  disposeCosmosClients,
  ensureStampsDatabase,
  getCosmosClient,
} from '../azure/cosmos';
import { type Config, ConfigError, loadConfig } from '../config/loadConfig';
import { ensureError } from '../errors';
import { type EmbeddedCosmos, startEmbeddedCosmos } from './cosmos';

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`synaxis-stamps: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let embedded: EmbeddedCosmos | undefined;
  try {
    if (config.cosmos.endpoint === undefined) embedded = await startEmbeddedCosmos();
    const connection =
      embedded === undefined
        ? {
            endpoint: config.cosmos.endpoint ?? '',
            ...(config.cosmos.key === undefined ? {} : { key: config.cosmos.key }),
          }
        : { endpoint: embedded.endpoint, key: embedded.key, agent: embedded.agent };
    const client = await getCosmosClient(connection);
    const { databaseName, containers } = await ensureStampsDatabase(client, {
      databaseName: config.cosmos.database,
    });
    const store = createCosmosStampStore({ client, databaseName });
    const ledgers = [];
    for (const region of config.policy.regions)
      ledgers.push((await store.ensureLedger(region.name, region.code)).ledger);

    const where =
      embedded === undefined ? config.cosmos.endpoint : `${embedded.endpoint} (embedded, in memory)`;
    const lines = [
      `synaxis-stamps: configuration valid (cloud: ${config.cloud})`,
      `  Cosmos DB: ${where ?? ''}, database '${databaseName}', containers ${Object.values(containers).join(', ')}`,
      ...ledgers.map(
        (ledger) =>
          `  region ${ledger.region} (${ledger.code}): ${Object.keys(ledger.members).length} live stamps, ` +
          `max ${config.policy.regions.find((r) => r.name === ledger.region)?.max ?? '?'}`,
      ),
      `  policy: total max ${config.policy.totalMax}, drain ${config.policy.drainMinutes} min, retention ${config.policy.retentionDays} days, ` +
        `min in rotation ${config.policy.minInRotationPerRegion}/region, blast radius ${config.policy.maxUnhealthyPercent}%`,
      'The function app (HTTP API on port ' +
        `${config.local.port}, alerts, Event Grid, Service Bus, timers, simulated Azure) arrives with the function-app issue; nothing else to run yet.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await disposeCosmosClients();
    await embedded?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`synaxis-stamps: failed to start: ${ensureError(error).message}\n`);
    process.exitCode = 1;
  },
);
