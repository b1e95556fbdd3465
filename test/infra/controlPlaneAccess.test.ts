/**
 * Who reaches the control plane (issue "Who did it"), checked on the compiled dist/infra/main.json
 * as `azd up` deploys it: App Service authentication with Microsoft Entra ID in front of the app,
 * and the app's data services reachable only through private endpoints from its virtual network.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AUTH_APPLICATION_OBJECT_ID, AUTH_CLIENT_ID, controlPlaneSnapshot } from './appRegistration';
import { asArray, at, exactly, type Snapshot, type SnapshotResource } from './support';

/** The data services of the control plane: what must have no public network access. */
const DATA_SERVICES = [
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.ServiceBus/namespaces',
  'Microsoft.EventGrid/topics',
] as const;

/** The storage accounts in the control plane's resource group (the archive account is global). */
function controlPlaneStorage(snap: Snapshot): SnapshotResource[] {
  return snap
    .ofType('Microsoft.Storage/storageAccounts')
    .filter((account) => account.id.includes('rg-synaxis-cp-'));
}

function privateEndpointsTo(snap: Snapshot, resource: SnapshotResource): SnapshotResource[] {
  return snap
    .ofType('Microsoft.Network/privateEndpoints')
    .filter((endpoint) =>
      asArray(at(endpoint.body, 'properties.privateLinkServiceConnections'), 'connections').some(
        (c) => at(c, 'properties.privateLinkServiceId') === resource.id,
      ),
    );
}

function groupIds(endpoints: readonly SnapshotResource[]): string[] {
  return endpoints
    .flatMap((e) => asArray(at(e.body, 'properties.privateLinkServiceConnections'), 'connections'))
    .flatMap((c) => asArray(at(c, 'properties.groupIds'), 'groupIds'))
    .map(String)
    .sort();
}

/** Evaluated on first use, once: `bicep snapshot` takes seconds. */
function once(evaluate: () => Snapshot): () => Snapshot {
  let snap: Snapshot | undefined;
  return () => (snap ??= evaluate());
}

describe('control plane access: sign-in with Microsoft Entra ID', () => {
  const snap = once(() =>
    controlPlaneSnapshot('control-plane-access', {
      authClientId: AUTH_CLIENT_ID,
      authApplicationObjectId: AUTH_APPLICATION_OBJECT_ID,
    }),
  );

  it('turns on App Service authentication with the app registration; the app decides who may pass', () => {
    const auth = snap()
      .ofType('Microsoft.Web/sites/config')
      .find((c) => c.name.endsWith('/authsettingsV2'));
    assert.ok(auth, 'authsettingsV2');
    assert.equal(at(auth.body, 'properties.platform.enabled'), true);
    // Tokens and sessions are validated and the principal set on every path; an anonymous request
    // reaches the app, whose routes answer 401/403 themselves (test/e2e/signIn.test.ts).
    assert.equal(at(auth.body, 'properties.globalValidation.requireAuthentication'), false);
    assert.equal(at(auth.body, 'properties.globalValidation.unauthenticatedClientAction'), 'AllowAnonymous');
    const aad = 'properties.identityProviders.azureActiveDirectory';
    assert.equal(at(auth.body, `${aad}.enabled`), true);
    assert.equal(at(auth.body, `${aad}.registration.clientId`), AUTH_CLIENT_ID);
    assert.match(
      String(at(auth.body, `${aad}.registration.openIdIssuer`)),
      // https://login.microsoftonline.com/{tenant}/v2.0, the v2 issuer; the snapshot fills in a tenant id.
      /^\[format\('\{0\}\{1\}\/v2\.0', environment\(\)\.authentication\.loginEndpoint, '[0-9a-f-]{36}'\)\]$/,
    );
    assert.deepEqual(at(auth.body, `${aad}.validation.allowedAudiences`), [
      `api://${AUTH_CLIENT_ID}`,
      AUTH_CLIENT_ID,
    ]);
  });

  it('excludes no path: the platform handles the identity headers of every request alike', () => {
    const auth = snap()
      .ofType('Microsoft.Web/sites/config')
      .find((c) => c.name.endsWith('/authsettingsV2'));
    assert.equal(at(auth?.body, 'properties.globalValidation.excludedPaths'), undefined);
  });

  it('without an app registration configures no sign-in and no alert receiver (the app then refuses every call)', () => {
    const bare = controlPlaneSnapshot('control-plane-no-auth', {});
    assert.equal(
      bare.ofType('Microsoft.Web/sites/config').filter((c) => c.name.endsWith('/authsettingsV2')).length,
      0,
    );
    const [group] = exactly(bare, 'Microsoft.Insights/actionGroups', 1);
    assert.deepEqual(at(group?.body, 'properties.webhookReceivers'), []);
  });
});

describe('control plane access: private data services', () => {
  const snap = once(() => controlPlaneSnapshot('control-plane-network', { authClientId: AUTH_CLIENT_ID }));

  it('disables public network access on Cosmos DB, Service Bus (Premium) and the Event Grid topic', () => {
    for (const type of DATA_SERVICES) {
      const [service] = exactly(snap(), type, 1);
      assert.equal(at(service?.body, 'properties.publicNetworkAccess'), 'Disabled', type);
    }
    const [namespace] = snap().ofType('Microsoft.ServiceBus/namespaces');
    assert.equal(at(namespace?.body, 'sku.name'), 'Premium', 'private endpoints exist only in Premium');
  });

  it('disables public network access on the Durable storage; the dead-letter account admits only trusted services', () => {
    const accounts = controlPlaneStorage(snap());
    assert.equal(accounts.length, 2);
    const durable = accounts.find((a) => !a.name.startsWith('stdl'));
    assert.equal(at(durable?.body, 'properties.publicNetworkAccess'), 'Disabled');
    assert.equal(at(durable?.body, 'properties.networkAcls.defaultAction'), 'Deny');
    assert.equal(at(durable?.body, 'properties.networkAcls.bypass'), 'None');
    const deadLetters = accounts.find((a) => a.name.startsWith('stdl'));
    assert.equal(at(deadLetters?.body, 'properties.networkAcls.defaultAction'), 'Deny');
    assert.equal(at(deadLetters?.body, 'properties.networkAcls.bypass'), 'AzureServices');
    assert.deepEqual(at(deadLetters?.body, 'properties.networkAcls.ipRules'), []);
    assert.deepEqual(at(deadLetters?.body, 'properties.networkAcls.virtualNetworkRules'), []);
    assert.equal(at(deadLetters?.body, 'properties.allowSharedKeyAccess'), false);
    const [subscription] = snap().ofType('Microsoft.EventGrid/topics/eventSubscriptions');
    // The first deployment leaves the subscription out; the template still names the account.
    assert.equal(subscription, undefined);
  });

  it('reaches each data service through private endpoints registered in its own private DNS zone', () => {
    // The zone of each group id (https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
    const zoneOf: Record<string, string> = {
      blob: 'privatelink.blob.',
      queue: 'privatelink.queue.',
      table: 'privatelink.table.',
      Sql: 'privatelink.documents.azure.com',
      namespace: 'privatelink.servicebus.windows.net',
      topic: 'privatelink.eventgrid.azure.net',
    };
    const expected: [SnapshotResource | undefined, string[]][] = [
      [controlPlaneStorage(snap()).find((a) => !a.name.startsWith('stdl')), ['blob', 'queue', 'table']],
      [snap().ofType('Microsoft.DocumentDB/databaseAccounts')[0], ['Sql']],
      [snap().ofType('Microsoft.ServiceBus/namespaces')[0], ['namespace']],
      [snap().ofType('Microsoft.EventGrid/topics')[0], ['topic']],
    ];
    const zoneIds = new Set(
      snap()
        .ofType('Microsoft.Network/privateDnsZones')
        .map((z) => z.id),
    );
    const groups = snap().ofType('Microsoft.Network/privateEndpoints/privateDnsZoneGroups');
    for (const [resource, ids] of expected) {
      assert.ok(resource);
      const endpoints = privateEndpointsTo(snap(), resource);
      assert.deepEqual(groupIds(endpoints), ids, resource.type);
      for (const endpoint of endpoints) {
        const [service] = groupIds([endpoint]);
        const group = groups.find((g) => g.id.startsWith(`${endpoint.id}/`));
        const configured = asArray(at(group?.body, 'properties.privateDnsZoneConfigs'), 'configs').map((c) =>
          String(at(c, 'properties.privateDnsZoneId')),
        );
        assert.equal(configured.length, 1, `${endpoint.name}: one zone`);
        const [zoneId = ''] = configured;
        assert.ok(zoneIds.has(zoneId), `${endpoint.name}: ${zoneId} is a zone of this deployment`);
        assert.ok(
          zoneId.includes(zoneOf[service ?? ''] ?? '?'),
          `${endpoint.name} (${service}) in ${zoneId}`,
        );
      }
    }
  });

  it('integrates the Function app with a subnet delegated to Microsoft.App/environments, routing all traffic', () => {
    const [app] = exactly(snap(), 'Microsoft.Web/sites', 1);
    assert.equal(at(app?.body, 'properties.vnetRouteAllEnabled'), true);
    const [network] = exactly(snap(), 'Microsoft.Network/virtualNetworks', 1);
    // The first subnet of that network, snet-functions.
    const subnetId = String(at(app?.body, 'properties.virtualNetworkSubnetId'));
    assert.ok(subnetId.includes(network?.name ?? '?') && subnetId.endsWith('.subnets[0].id]'), subnetId);
    const subnets = asArray(at(network?.body, 'properties.subnets'), 'subnets');
    const functions = subnets.find((s) => at(s, 'name') === 'snet-functions');
    assert.deepEqual(
      asArray(at(functions, 'properties.delegations'), 'delegations').map((d) =>
        at(d, 'properties.serviceName'),
      ),
      ['Microsoft.App/environments'],
    );
    // Outbound to ARM, Entra ID and Front Door through a NAT gateway: the subnet has no default outbound.
    assert.equal(at(functions, 'properties.defaultOutboundAccess'), false);
    assert.ok(at(functions, 'properties.natGateway.id'));
  });

  it('links every private DNS zone to that network', () => {
    const links = snap().ofType('Microsoft.Network/privateDnsZones/virtualNetworkLinks');
    const zones = snap().ofType('Microsoft.Network/privateDnsZones');
    assert.equal(zones.length, 6);
    assert.equal(links.length, zones.length);
  });

  it('a development environment may opt out (privateNetworking=false): then nothing is private', () => {
    const open = controlPlaneSnapshot('control-plane-public', {
      environmentName: 'dev',
      privateNetworking: false,
    });
    assert.equal(open.ofType('Microsoft.Network/privateEndpoints').length, 0);
    const [namespace] = exactly(open, 'Microsoft.ServiceBus/namespaces', 1);
    assert.equal(at(namespace?.body, 'sku.name'), 'Standard');
  });
});
