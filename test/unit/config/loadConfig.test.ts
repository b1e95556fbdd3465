import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../../shared/config/loadConfig';
import { SETTINGS } from '../../../shared/config/settings';
import { DEFAULT_POLICY } from '../../../shared/lifecycle';

const AZURE = {
  STAMPS_CLOUD: 'azure',
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000001',
  STAMPS_FRONTDOOR_RESOURCE_GROUP: 'rg-synaxis-global',
  STAMPS_FRONTDOOR_PROFILE: 'synaxis-fd',
  STAMPS_FRONTDOOR_ORIGIN_GROUP: 'stamps',
  ServiceBusConnection__fullyQualifiedNamespace: 'synaxis-cp.servicebus.windows.net',
  STAMPS_EVENTGRID_TOPIC_ENDPOINT: 'https://synaxis-signals.westeurope-1.eventgrid.azure.net/api/events',
  Cosmos__accountEndpoint: 'https://synaxis-cp.documents.azure.com:443/',
  STAMPS_LOG_ANALYTICS_WORKSPACE_ID:
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-synaxis-global/providers/Microsoft.OperationalInsights/workspaces/synaxis-logs',
  STAMPS_ARCHIVE_BLOB_ENDPOINT: 'https://stsynaxisarchive.blob.core.windows.net/',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('the defaults are the seed policy (regions, limits, durations, guards)', () => {
    const config = loadConfig({});
    assert.deepEqual(config.policy, DEFAULT_POLICY);
    assert.equal(config.cloud, 'local');
    assert.equal(config.local.port, 7071);
    assert.equal(config.cosmos.database, 'stamps');
    assert.equal(config.cosmos.endpoint, undefined);
  });

  it('every default can be overridden', () => {
    const config = loadConfig({
      STAMPS_REGIONS: 'northeurope:neu:1:2',
      STAMPS_TOTAL_MAX: '2',
      STAMPS_DRAIN_MINUTES: '5',
      STAMPS_RETENTION_DAYS: '90',
      STAMPS_MIN_IN_ROTATION_PER_REGION: '2',
      STAMPS_MAX_UNHEALTHY_PERCENT: '25',
      STAMPS_ISOLATION_GRACE_MINUTES: '3',
      STAMPS_REPLACEMENT_SURGE_PER_REGION: '0',
      STAMPS_QUARANTINE_AUTO_VERIFY: 'false',
      STAMPS_QUARANTINE_REQUIRE_APPROVAL: 'TRUE',
      PORT: '8080',
    });
    assert.deepEqual(config.policy.regions, [{ name: 'northeurope', code: 'neu', priority: 1, max: 2 }]);
    assert.equal(config.policy.totalMax, 2);
    assert.equal(config.policy.drainMinutes, 5);
    assert.equal(config.policy.retentionDays, 90);
    assert.equal(config.policy.minInRotationPerRegion, 2);
    assert.equal(config.policy.maxUnhealthyPercent, 25);
    assert.equal(config.policy.isolationGraceMinutes, 3);
    assert.equal(config.policy.replacementSurgePerRegion, 0);
    assert.deepEqual(config.policy.quarantine, {
      autoVerify: false,
      requireHumanApproval: true,
      fourEyes: true,
    });
    assert.equal(config.local.port, 8080);
  });

  it('reads who may do what: local users (one may hold no role), four eyes, overrides, the alert key', () => {
    const key = 'k'.repeat(32);
    const { auth, policy } = loadConfig({
      STAMPS_LOCAL_USERS: 'ana=Stamps.Operator+Stamps.Approver,guest=',
      STAMPS_LOCAL_AUTH: 'strict',
      STAMPS_FOUR_EYES: 'false',
      STAMPS_OVERRIDE_REQUIRES_ADMIN: 'false',
      STAMPS_ALERT_KEY: key,
    });
    assert.deepEqual(
      { ...auth, fourEyes: policy.quarantine.fourEyes },
      {
        // Only the platform turns sign-in on (WEBSITE_AUTH_ENABLED).
        platformSignIn: false,
        overrideRequiresAdmin: false,
        alertKey: key,
        localUsers: [
          { name: 'ana', roles: ['Stamps.Operator', 'Stamps.Approver'] },
          { name: 'guest', roles: [] },
        ],
        localMode: 'strict',
        fourEyes: false,
      },
    );
    const defaults = loadConfig({});
    assert.equal(defaults.policy.quarantine.fourEyes, true);
    assert.equal(defaults.auth.overrideRequiresAdmin, true);
    assert.equal(defaults.auth.localUsers[0]?.name, 'local-admin');
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    assert.ok(
      Object.isFrozen(config) && Object.isFrozen(config.policy) && Object.isFrozen(config.policy.regions[0]),
    );
  });

  const bad: { key: string; value: string; message: RegExp }[] = [
    {
      key: 'STAMPS_DRAIN_MINUTES',
      value: 'abc',
      message: /^STAMPS_DRAIN_MINUTES: must be a whole number from 1 to 1440 \(got 'abc'\)$/,
    },
    {
      key: 'STAMPS_DRAIN_MINUTES',
      value: '0',
      message: /^STAMPS_DRAIN_MINUTES: must be a whole number from 1 to 1440/,
    },
    {
      key: 'STAMPS_MAX_UNHEALTHY_PERCENT',
      value: '101',
      message: /^STAMPS_MAX_UNHEALTHY_PERCENT: must be a whole number from 1 to 100/,
    },
    {
      key: 'STAMPS_CLOUD',
      value: 'gcp',
      message: /^STAMPS_CLOUD: must be one of local, azure \(got 'gcp'\)$/,
    },
    {
      key: 'STAMPS_REGIONS',
      value: 'westeurope:weu:1',
      message: /^STAMPS_REGIONS: entry 'westeurope:weu:1' is not name:code:priority:max/,
    },
    {
      key: 'STAMPS_REGIONS',
      value: 'westeurope:weu:1:4,northeurope:weu:2:4',
      message: /^STAMPS_REGIONS: region names and codes must be unique/,
    },
    {
      key: 'STAMPS_QUARANTINE_AUTO_VERIFY',
      value: 'yes',
      message: /^STAMPS_QUARANTINE_AUTO_VERIFY: must be true or false/,
    },
    {
      key: 'Cosmos__accountEndpoint',
      value: 'http://localhost:8081',
      message: /^Cosmos__accountEndpoint: must be an https:\/\/ URL/,
    },
    { key: 'STAMPS_TASK_HUB', value: 'my-hub', message: /^STAMPS_TASK_HUB: must be 3-45 letters or digits/ },
    // A key anyone could guess is no key, and the message never shows it.
    {
      key: 'STAMPS_ALERT_KEY',
      value: 'short',
      message: /^STAMPS_ALERT_KEY: must be at least 32 characters$/,
    },
    {
      key: 'STAMPS_LOCAL_USERS',
      value: 'ana=Stamps.Boss',
      message: /^STAMPS_LOCAL_USERS: entry 'ana=Stamps.Boss' is not name=Role\+Role/,
    },
    {
      key: 'STAMPS_LOCAL_USERS',
      value: 'ana=Stamps.Reader,ana=Stamps.Admin',
      message: /^STAMPS_LOCAL_USERS: local user names must be unique/,
    },
    {
      key: 'STAMPS_LOCAL_AUTH',
      value: 'open',
      message: /^STAMPS_LOCAL_AUTH: must be one of default-user, strict \(got 'open'\)$/,
    },
    { key: 'STAMPS_FOUR_EYES', value: 'maybe', message: /^STAMPS_FOUR_EYES: must be true or false/ },
    {
      key: 'STAMPS_LOCAL_USERS',
      value: 'azure-monitor-action-group=Stamps.Admin',
      message: /^STAMPS_LOCAL_USERS: 'azure-monitor-action-group' is the simulated action group's name/,
    },
  ];
  for (const c of bad) {
    it(`fails naming ${c.key} for '${c.value}'`, () => {
      const problems = problemsOf({ [c.key]: c.value });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', c.message);
    });
  }

  it('reports every bad key at once', () => {
    assert.equal(problemsOf({ STAMPS_DRAIN_MINUTES: 'x', PORT: 'y', STAMPS_CLOUD: 'z' }).length, 3);
  });

  it('never echoes the Cosmos key', () => {
    const problems = problemsOf({ ...AZURE, Cosmos__key: 'c2VjcmV0', AZURE_SUBSCRIPTION_ID: 'nope' });
    assert.ok(problems.every((p) => !p.includes('c2VjcmV0')));
  });

  it('azure mode names each missing Azure setting', () => {
    const problems = problemsOf({ STAMPS_CLOUD: 'azure' });
    assert.deepEqual(
      [...problems].sort(),
      [
        'AZURE_SUBSCRIPTION_ID',
        'Cosmos__accountEndpoint',
        'STAMPS_ARCHIVE_BLOB_ENDPOINT',
        'STAMPS_EVENTGRID_TOPIC_ENDPOINT',
        'STAMPS_FRONTDOOR_ORIGIN_GROUP',
        'STAMPS_FRONTDOOR_PROFILE',
        'STAMPS_FRONTDOOR_RESOURCE_GROUP',
        'STAMPS_LOG_ANALYTICS_WORKSPACE_ID',
        'ServiceBusConnection__fullyQualifiedNamespace',
      ].map((key) => `${key}: is required when STAMPS_CLOUD=azure`),
    );
  });

  it('azure mode with every setting loads the Azure section', () => {
    const config = loadConfig(AZURE);
    assert.equal(config.azure?.frontDoor.profile, 'synaxis-fd');
    assert.equal(config.azure?.serviceBusNamespace, 'synaxis-cp.servicebus.windows.net');
    assert.equal(config.cosmos.endpoint, 'https://synaxis-cp.documents.azure.com:443/');
  });

  it('azure mode reads the stamp template settings: environment, workspace, optional action group', () => {
    const config = loadConfig(AZURE);
    assert.equal(config.azure?.environment, 'production');
    assert.equal(config.azure?.logAnalyticsWorkspaceId, AZURE.STAMPS_LOG_ANALYTICS_WORKSPACE_ID);
    assert.equal(config.azure?.alertActionGroupId, undefined);
    const actionGroup =
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-cp/providers/Microsoft.Insights/actionGroups/ag-stamps';
    const withGroup = loadConfig({
      ...AZURE,
      STAMPS_ENVIRONMENT: 'staging',
      STAMPS_ALERT_ACTION_GROUP_ID: actionGroup,
    });
    assert.equal(withGroup.azure?.environment, 'staging');
    assert.equal(withGroup.azure?.alertActionGroupId, actionGroup);
  });

  it('azure mode refuses an environment the template does not allow and a malformed resource ID', () => {
    const problems = problemsOf({
      ...AZURE,
      STAMPS_ENVIRONMENT: 'prod',
      STAMPS_LOG_ANALYTICS_WORKSPACE_ID: 'synaxis-logs',
      STAMPS_ALERT_ACTION_GROUP_ID: 'ag-stamps',
    });
    assert.deepEqual([...problems].sort(), [
      "STAMPS_ALERT_ACTION_GROUP_ID: must be an Azure resource ID (got 'ag-stamps')",
      "STAMPS_ENVIRONMENT: must be one of production, staging, development (got 'prod')",
      "STAMPS_LOG_ANALYTICS_WORKSPACE_ID: must be an Azure resource ID (got 'synaxis-logs')",
    ]);
  });

  it('azure mode checks the shape of the namespace and subscription', () => {
    const problems = problemsOf({
      ...AZURE,
      ServiceBusConnection__fullyQualifiedNamespace: 'sb://x',
      AZURE_SUBSCRIPTION_ID: 'abc',
    });
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => p.startsWith('AZURE_SUBSCRIPTION_ID: must be a subscription id')));
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          'ServiceBusConnection__fullyQualifiedNamespace: must be <namespace>.servicebus.windows.net',
        ),
      ),
    );
  });

  it('local.settings.sample.json lists exactly the settings the app reads, with their defaults', () => {
    const sample = JSON.parse(
      readFileSync(join(__dirname, '../../../../local.settings.sample.json'), 'utf8'),
    ) as {
      Values: Record<string, string>;
    };
    const hostKeys = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];
    assert.deepEqual(
      Object.keys(sample.Values)
        .filter((k) => !hostKeys.includes(k))
        .sort(),
      SETTINGS.map((s) => s.key).sort(),
    );
    for (const setting of SETTINGS)
      assert.equal(sample.Values[setting.key], setting.default ?? '', setting.key);
  });
});
