import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs in a fresh Node process: records every module loaded, through `require` (require.cache) and
 * through `import()` (an ESM resolve hook, since the SDKs' dual packages load their ESM build from
 * a dynamic import), first after requiring shared/azure, then after one deployer call.
 */
const CHILD = String.raw`
const { register } = require('node:module');
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const log = process.env.LAZY_LOG;
writeFileSync(log, '');
const hooks = 'data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "let log;" +
  "export async function initialize(data) { log = data.log; }" +
  "export async function resolve(specifier, context, next) {" +
  "  const result = await next(specifier, context);" +
  "  appendFileSync(log, result.url + '\\n');" +
  "  return result;" +
  "}");
register(hooks, { data: { log } });

function loaded() {
  const esm = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const names = [...Object.keys(require.cache), ...esm]
    .map((file) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file))
    .filter(Boolean)
    .map((match) => match[1].replace('\\', '/'));
  return [...new Set(names)].sort();
}

(async () => {
  const azure = require(process.env.AZURE_INDEX);
  const { loadConfig } = require(process.env.CONFIG_MODULE);
  const afterImport = loaded();
  const config = loadConfig(JSON.parse(process.env.AZURE_ENV));
  const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60000 }) };
  const adapters = azure.createAzureAdapters(config, {
    credential,
    arm: { endpoint: 'https://127.0.0.1:9', credentialScopes: [azure.ARM_SCOPE], retryOptions: { maxRetries: 0 } },
    eventGridClient: async () => ({ send: async () => undefined }),
  });
  const afterCreate = loaded();
  await adapters.deployer.getDeployment('stamp-weu-001-1').catch(() => undefined);
  await adapters.eventPublisher.publish([]);
  const afterDeployerCall = loaded();
  process.stdout.write(JSON.stringify({ afterImport, afterCreate, afterDeployerCall }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

const SDKS = [
  '@azure/arm-resources',
  '@azure/arm-cdn',
  '@azure/service-bus',
  '@azure/eventgrid',
  '@azure/identity',
];

void describe('shared/azure loads no Azure SDK until a method needs it', () => {
  void it('requiring the adapters and creating them loads none; a deployer call loads only arm-resources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-azure-'));
    try {
      const { stdout } = await run(process.execPath, ['-e', CHILD], {
        env: {
          ...process.env,
          LAZY_LOG: join(dir, 'esm.log'),
          AZURE_INDEX: join(__dirname, '../../../shared/azure/index.js'),
          CONFIG_MODULE: join(__dirname, '../../../shared/config/loadConfig.js'),
          AZURE_ENV: JSON.stringify({
            STAMPS_CLOUD: 'azure',
            AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-0000000000a1',
            STAMPS_FRONTDOOR_RESOURCE_GROUP: 'rg-synaxis-global',
            STAMPS_FRONTDOOR_PROFILE: 'synaxis-fd',
            STAMPS_FRONTDOOR_ORIGIN_GROUP: 'stamps',
            ServiceBusConnection__fullyQualifiedNamespace: 'synaxis-cp.servicebus.windows.net',
            STAMPS_EVENTGRID_TOPIC_ENDPOINT: 'https://t.westeurope-1.eventgrid.azure.net/api/events',
            Cosmos__accountEndpoint: 'https://synaxis-cp.documents.azure.com:443/',
            STAMPS_LOG_ANALYTICS_WORKSPACE_ID:
              '/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w',
            STAMPS_ARCHIVE_BLOB_ENDPOINT: 'https://starchive.blob.core.windows.net',
          }),
        },
        timeout: 20_000,
      });
      const result = JSON.parse(stdout) as Record<
        'afterImport' | 'afterCreate' | 'afterDeployerCall',
        string[]
      >;
      const azureIn = (names: string[]) => names.filter((n) => n.startsWith('@azure/'));
      assert.deepEqual(azureIn(result.afterImport), [], 'nothing from @azure/* at import');
      assert.deepEqual(
        azureIn(result.afterCreate),
        [],
        'nothing from @azure/* when the adapters are created',
      );
      // The control: the same probe does see an SDK once a call needs it, and only that one.
      assert.ok(
        result.afterDeployerCall.includes('@azure/arm-resources'),
        JSON.stringify(result.afterDeployerCall),
      );
      for (const other of SDKS.filter((s) => s !== '@azure/arm-resources')) {
        assert.ok(!result.afterDeployerCall.includes(other), `${other} was loaded by a deployer call`);
      }
      assert.ok(readFileSync(join(dir, 'esm.log'), 'utf8').includes('arm-resources'), 'the ESM hook saw it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
