/**
 * The control plane's own resources (issue 6), as `azd up` deploys them: the compiled
 * dist/infra/main.json evaluated with the parameters infra/main.parameters.json maps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { roleIdOf } from '../support/azureRbac';
import { AUTH_APPLICATION_OBJECT_ID, AUTH_CLIENT_ID, controlPlaneSnapshot } from './appRegistration';
import {
  asArray,
  asRecord,
  assertNamedFromScopePrincipalRole,
  at,
  exactly,
  repoRoot,
  type Snapshot,
  type SnapshotResource,
} from './support';

// Ids from the one role table (each cited there), so this file cannot carry a wrong id of its own.
const ROLES = {
  storageBlobDataOwner: roleIdOf('Storage Blob Data Owner'),
  storageQueueDataContributor: roleIdOf('Storage Queue Data Contributor'),
  storageTableDataContributor: roleIdOf('Storage Table Data Contributor'),
  serviceBusDataSender: roleIdOf('Azure Service Bus Data Sender'),
  serviceBusDataReceiver: roleIdOf('Azure Service Bus Data Receiver'),
  eventGridDataSender: roleIdOf('EventGrid Data Sender'),
  monitoringMetricsPublisher: roleIdOf('Monitoring Metrics Publisher'),
  cdnProfileContributor: roleIdOf('CDN Profile Contributor'),
  contributor: roleIdOf('Contributor'),
  rbacAdministrator: roleIdOf('Role Based Access Control Administrator'),
  resourcePolicyContributor: roleIdOf('Resource Policy Contributor'),
};

function roleOf(assignment: SnapshotResource): string {
  return String(at(assignment.body, 'properties.roleDefinitionId')).split('/').pop() ?? '';
}

/** Role GUIDs granted to the Function app's identity on resources whose id contains `scope`. */
function functionAppRolesOn(snap: Snapshot, scope: string): string[] {
  return snap
    .ofType('Microsoft.Authorization/roleAssignments')
    .filter((a) => String(at(a.body, 'properties.principalId')).includes('Microsoft.Web/sites/func-'))
    .filter((a) => a.id.includes(scope))
    .map(roleOf)
    .sort();
}

describe('control plane (infra/main.bicep, azd)', () => {
  let snap: Snapshot;
  before(() => {
    snap = controlPlaneSnapshot('control-plane', {
      deployEventSubscription: true,
      authClientId: AUTH_CLIENT_ID,
      authApplicationObjectId: AUTH_APPLICATION_OBJECT_ID,
    });
  });

  it('evaluates without diagnostics into the control plane and global resource groups', () => {
    assert.deepEqual(snap.diagnostics, []);
    const groups = exactly(snap, 'Microsoft.Resources/resourceGroups', 2);
    assert.deepEqual(groups.map((g) => g.name).sort(), [
      'rg-synaxis-cp-prod',
      'rg-synaxis-global-production',
    ]);
    const [cp] = groups.filter((g) => g.name === 'rg-synaxis-cp-prod');
    assert.equal(at(cp?.body, 'tags.azd-env-name'), 'prod');
  });

  it('runs a Flex Consumption Node 22 Function app with a system-assigned identity, tagged for azd', () => {
    const [plan] = exactly(snap, 'Microsoft.Web/serverfarms', 1);
    assert.deepEqual(at(plan?.body, 'sku'), { name: 'FC1', tier: 'FlexConsumption' });
    const [app] = exactly(snap, 'Microsoft.Web/sites', 1);
    assert.equal(at(app?.body, 'kind'), 'functionapp,linux');
    assert.equal(at(app?.body, 'identity.type'), 'SystemAssigned');
    assert.equal(at(app?.body, 'tags.azd-service-name'), 'api');
    assert.deepEqual(at(app?.body, 'properties.functionAppConfig.runtime'), { name: 'node', version: '22' });
    assert.equal(
      at(app?.body, 'properties.functionAppConfig.deployment.storage.authentication.type'),
      'SystemAssignedIdentity',
    );
    assert.equal(at(app?.body, 'properties.httpsOnly'), true);
    assert.equal(at(app?.body, 'properties.siteConfig.minTlsVersion'), '1.3');
    for (const policy of exactly(snap, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies', 2)) {
      assert.equal(at(policy.body, 'properties.allow'), false, policy.name);
    }
  });

  it('connects the app by identity only: no key, connection string or shared key in its settings', () => {
    const config = snap.ofType('Microsoft.Web/sites/config').find((c) => c.name.endsWith('/appsettings'));
    const settings = asRecord(at(config?.body, 'properties'), 'app settings');
    for (const key of [
      'AzureWebJobsStorage__accountName',
      'AzureWebJobsStorage__blobServiceUri',
      'AzureWebJobsStorage__queueServiceUri',
      'AzureWebJobsStorage__tableServiceUri',
      'Cosmos__accountEndpoint',
      'ServiceBusConnection__fullyQualifiedNamespace',
      'STAMPS_EVENTGRID_TOPIC_ENDPOINT',
      'STAMPS_FRONTDOOR_PROFILE',
      'STAMPS_LOG_ANALYTICS_WORKSPACE_ID',
      'STAMPS_ALERT_ACTION_GROUP_ID',
    ]) {
      assert.ok(key in settings, key);
    }
    for (const key of ['AzureWebJobsStorage', 'Cosmos__key', 'FUNCTIONS_WORKER_RUNTIME']) {
      assert.ok(!(key in settings), `${key} must not be set (identity connections; Flex sets the runtime)`);
    }
    const text = JSON.stringify(settings);
    assert.doesNotMatch(text, /AccountKey=|SharedAccessKey|listKeys|listConnectionStrings/);
    assert.equal(settings['STAMPS_CLOUD'], 'azure');
  });

  it('keeps Durable state in storage without shared keys, with blob, queue and table roles for the app', () => {
    // Durable state, dead letters (apart: see controlPlaneAccess.test.ts) and archives.
    const accounts = exactly(snap, 'Microsoft.Storage/storageAccounts', 3);
    const storage = accounts.find((a) => !a.name.startsWith('starch') && !a.name.startsWith('stdl'));
    assert.equal(at(storage?.body, 'properties.allowSharedKeyAccess'), false);
    assert.equal(at(storage?.body, 'properties.allowBlobPublicAccess'), false);
    assert.equal(at(storage?.body, 'properties.minimumTlsVersion'), 'TLS1_2');
    assert.deepEqual(
      functionAppRolesOn(snap, '/rg-synaxis-cp-prod/providers/Microsoft.Storage/storageAccounts/'),
      [
        ROLES.storageBlobDataOwner,
        ROLES.storageQueueDataContributor,
        ROLES.storageTableDataContributor,
      ].sort(),
    );
  });

  it('keeps archives in a storage account with version-level WORM, no shared keys, and the app as its blob data owner', () => {
    const account = snap.ofType('Microsoft.Storage/storageAccounts').find((a) => a.name.startsWith('starch'));
    assert.equal(at(account?.body, 'properties.allowSharedKeyAccess'), false);
    assert.equal(at(account?.body, 'properties.allowBlobPublicAccess'), false);
    assert.equal(at(account?.body, 'properties.immutableStorageWithVersioning.enabled'), true);
    const services = snap
      .ofType('Microsoft.Storage/storageAccounts/blobServices')
      .filter((b) => b.id.includes('starch'));
    assert.deepEqual(
      services.map((b) => at(b.body, 'properties.isVersioningEnabled')),
      [true],
    );
    const [container] = snap
      .ofType('Microsoft.Storage/storageAccounts/blobServices/containers')
      .filter((c) => c.id.includes('starch'));
    assert.equal(container?.name.split('/').pop(), 'stamp-archives');
    assert.equal(at(container?.body, 'properties.immutableStorageWithVersioning.enabled'), true);
    assert.equal(at(container?.body, 'properties.publicAccess'), 'None');
    assert.deepEqual(functionAppRolesOn(snap, '/containers/stamp-archives'), [ROLES.storageBlobDataOwner]);
    const settings = snap
      .ofType('Microsoft.Web/sites/config')
      .map((c) => at(c.body, 'properties.STAMPS_ARCHIVE_CONTAINER'))
      .filter((v) => v !== undefined);
    assert.deepEqual(settings, ['stamp-archives']);
  });

  it('creates the Cosmos database stamps with the containers the store expects, and data-plane RBAC, no keys', () => {
    const [account] = exactly(snap, 'Microsoft.DocumentDB/databaseAccounts', 1);
    assert.equal(at(account?.body, 'properties.disableLocalAuth'), true);
    const [database] = exactly(snap, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases', 1);
    assert.equal(at(database?.body, 'properties.resource.id'), 'stamps');
    const containers = exactly(snap, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers', 3);
    const keys = Object.fromEntries(
      containers.map((c): [string, unknown] => [
        String(at(c.body, 'properties.resource.id')),
        at(c.body, 'properties.resource.partitionKey.paths'),
      ]),
    );
    // The partition keys of shared/azure/cosmos/database.ts (ensureStampsDatabase).
    assert.deepEqual(keys, { stamps: ['/stampId'], ledger: ['/id'], events: ['/id'] });
    const [events] = containers.filter((c) => at(c.body, 'properties.resource.id') === 'events');
    assert.equal(at(events?.body, 'properties.resource.defaultTtl'), 7 * 24 * 3600);
    const [assignment] = exactly(snap, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments', 1);
    assert.match(
      String(at(assignment?.body, 'properties.roleDefinitionId')),
      /00000000-0000-0000-0000-000000000002$/,
    );
    assert.match(String(at(assignment?.body, 'properties.scope')), /\/dbs\/stamps$/);
  });

  it('has the stamp-lifecycle queue with sessions, duplicate detection and 10 deliveries', () => {
    const [namespace] = exactly(snap, 'Microsoft.ServiceBus/namespaces', 1);
    assert.equal(at(namespace?.body, 'properties.disableLocalAuth'), true);
    const [queue] = exactly(snap, 'Microsoft.ServiceBus/namespaces/queues', 1);
    assert.match(queue?.name ?? '', /\/stamp-lifecycle$/);
    assert.equal(at(queue?.body, 'properties.requiresSession'), true);
    assert.equal(at(queue?.body, 'properties.requiresDuplicateDetection'), true);
    assert.equal(at(queue?.body, 'properties.maxDeliveryCount'), 10);
    assert.deepEqual(
      functionAppRolesOn(snap, 'Microsoft.ServiceBus/namespaces/'),
      [ROLES.serviceBusDataReceiver, ROLES.serviceBusDataSender].sort(),
    );
  });

  it('takes CloudEvents on an Event Grid topic and delivers them to onStampSignal', () => {
    const [topic] = exactly(snap, 'Microsoft.EventGrid/topics', 1);
    assert.equal(at(topic?.body, 'properties.inputSchema'), 'CloudEventSchemaV1_0');
    assert.equal(at(topic?.body, 'properties.disableLocalAuth'), true);
    const [subscription] = exactly(snap, 'Microsoft.EventGrid/topics/eventSubscriptions', 1);
    assert.equal(at(subscription?.body, 'properties.destination.endpointType'), 'AzureFunction');
    assert.match(
      String(at(subscription?.body, 'properties.destination.properties.resourceId')),
      /\/functions\/onStampSignal$/,
    );
    assert.equal(at(subscription?.body, 'properties.eventDeliverySchema'), 'CloudEventSchemaV1_0');
    assert.deepEqual(functionAppRolesOn(snap, 'Microsoft.EventGrid/topics/'), [ROLES.eventGridDataSender]);
  });

  it('calls the alerts function from the action group with the common alert schema, over its secure webhook', () => {
    const [group] = exactly(snap, 'Microsoft.Insights/actionGroups', 1);
    assert.equal(at(group?.body, 'properties.azureFunctionReceivers'), undefined, 'no function-key receiver');
    const receivers = asArray(at(group?.body, 'properties.webhookReceivers'), 'receivers');
    assert.equal(receivers.length, 1);
    assert.equal(at(receivers[0], 'useCommonAlertSchema'), true);
    // The secure webhook: a Microsoft Entra token for the app registration (its application object).
    assert.equal(at(receivers[0], 'useAadAuth'), true);
    assert.equal(at(receivers[0], 'objectId'), AUTH_APPLICATION_OBJECT_ID);
    assert.equal(at(receivers[0], 'identifierUri'), `api://${AUTH_CLIENT_ID}`);
    // https://<the function app's default host name>/api/alerts (the host name is known at deployment)
    const url = String(at(receivers[0], 'serviceUri'));
    assert.match(
      url,
      /^\[format\('https:\/\/\{0\}\/api\/alerts', reference\('[^']*\/Microsoft\.Web\/sites\/func-[^']*'/,
    );
    assert.match(url, /\.defaultHostName\)\]$/);
  });

  it('alerts on Front Door origin health per origin, to that action group', () => {
    const [alert] = exactly(snap, 'Microsoft.Insights/metricAlerts', 1);
    const [profile] = exactly(snap, 'Microsoft.Cdn/profiles', 1);
    const [group] = snap.ofType('Microsoft.Insights/actionGroups');
    assert.deepEqual(at(alert?.body, 'properties.scopes'), [profile?.id]);
    const criteria = asArray(at(alert?.body, 'properties.criteria.allOf'), 'allOf');
    assert.deepEqual(
      criteria.map((c) => [
        at(c, 'metricName'),
        asArray(at(c, 'dimensions'), 'dimensions').map((d) => at(d, 'name')),
      ]),
      [['OriginHealthPercentage', ['Origin']]],
    );
    assert.equal(at(alert?.body, 'properties.autoMitigate'), true);
    assert.deepEqual(
      asArray(at(alert?.body, 'properties.actions'), 'actions').map((a) => at(a, 'actionGroupId')),
      [group?.id],
    );
  });

  it('sends telemetry to workspace-based Application Insights with local auth off', () => {
    const [insights] = exactly(snap, 'Microsoft.Insights/components', 1);
    const [workspace] = exactly(snap, 'Microsoft.OperationalInsights/workspaces', 1);
    assert.equal(at(insights?.body, 'properties.DisableLocalAuth'), true);
    assert.equal(at(insights?.body, 'properties.WorkspaceResourceId'), workspace?.id);
    assert.deepEqual(functionAppRolesOn(snap, 'Microsoft.Insights/components/'), [
      ROLES.monitoringMetricsPublisher,
    ]);
  });

  it('grants least-privilege roles with deterministic names: data roles, Front Door, stamp deployment', () => {
    const assignments = snap.ofType('Microsoft.Authorization/roleAssignments');
    assert.equal(assignments.length, 13);
    for (const assignment of assignments) assertNamedFromScopePrincipalRole(assignment);
    assert.deepEqual(functionAppRolesOn(snap, 'Microsoft.Cdn/profiles/'), [ROLES.cdnProfileContributor]);
    const subscriptionScoped = assignments.filter((a) => a.id.startsWith('[subscriptionResourceId('));
    assert.deepEqual(
      subscriptionScoped.map(roleOf).sort(),
      [ROLES.contributor, ROLES.rbacAdministrator, ROLES.resourcePolicyContributor].sort(),
    );
    const [assigner] = subscriptionScoped.filter((a) => roleOf(a) === ROLES.rbacAdministrator);
    const condition = String(at(assigner?.body, 'properties.condition'));
    assert.match(condition, /GuidEquals/);
    assert.ok(!condition.includes(roleIdOf('Owner')), 'never Owner');
    assert.ok(!condition.includes(roleIdOf('User Access Administrator')), 'never User Access Administrator');
  });
});

describe('control plane for another stamp environment and a developer group (issue 11, defect 5)', () => {
  it('passes the stamp environment to the app and assigns the developer roles as a group', () => {
    const staging = controlPlaneSnapshot('control-plane-staging', {
      environmentName: 'stg',
      stampEnvironment: 'staging',
      principalId: '00000000-0000-0000-0000-00000000beef',
      principalType: 'Group',
    });
    const settings = staging
      .ofType('Microsoft.Web/sites/config')
      .map((c) => at(c.body, 'properties.STAMPS_ENVIRONMENT'))
      .filter((v) => v !== undefined);
    assert.deepEqual(settings, ['staging']);
    const developer = staging
      .ofType('Microsoft.Authorization/roleAssignments')
      .filter((a) => String(at(a.body, 'properties.principalId')).includes('beef'));
    assert.ok(developer.length >= 3);
    for (const assignment of developer)
      assert.equal(at(assignment.body, 'properties.principalType'), 'Group');
  });
});

describe('control plane before its code is deployed', () => {
  it('leaves out the Event Grid subscription (Event Grid checks that the function exists)', () => {
    const first = controlPlaneSnapshot('control-plane-first', {});
    assert.equal(first.ofType('Microsoft.EventGrid/topics/eventSubscriptions').length, 0);
    exactly(first, 'Microsoft.EventGrid/topics', 1);
  });
});

describe('azd wiring', () => {
  it('maps the azd environment into the parameters and declares the api service as a function', () => {
    const parameters = asRecord(
      asRecord(
        JSON.parse(readFileSync(join(repoRoot, 'infra', 'main.parameters.json'), 'utf8')) as unknown,
        'file',
      )['parameters'],
      'parameters',
    );
    assert.equal(at(parameters, 'environmentName.value'), '${AZURE_ENV_NAME}');
    assert.equal(at(parameters, 'location.value'), '${AZURE_LOCATION}');
    const azureYaml = readFileSync(join(repoRoot, 'azure.yaml'), 'utf8');
    assert.match(azureYaml, /^services:\n {2}api:\n {4}project: \.\n {4}language: js\n {4}host: function$/m);
    assert.match(azureYaml, /^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main$/m);
  });
});
