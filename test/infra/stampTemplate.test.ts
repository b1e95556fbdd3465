/**
 * The stamp template (issue 6), checked on its compiled ARM JSON (dist/infra/stamp/main.json):
 * its parameters and outputs against the Deployer's contract, and the resources it creates when
 * evaluated with the parameters the Deployer passes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  aksClusterName,
  CLUSTER_STAMP,
  RESOURCE_GROUP_STAMP,
  stampResourceGroup,
} from '../../shared/lifecycle/stampNames';
import {
  parseStampTemplateOutputs,
  STAMP_ENVIRONMENTS,
  STAMP_TEMPLATE_OUTPUT_NAMES,
  STAMP_TEMPLATE_PARAMETER_NAMES,
  STAMP_TEMPLATE_PARAMETERS,
  type StampTemplateParameters,
  toArmParameters,
} from '../../shared/ports/stampTemplate';
import { roleIdOf } from '../support/azureRbac';
import {
  asArray,
  asRecord,
  assertNamedFromScopePrincipalRole,
  at,
  compiled,
  exactly,
  type ParameterValue,
  type Snapshot,
  snapshot,
  SUBSCRIPTION_ID,
} from './support';

const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-global-production/providers/Microsoft.OperationalInsights/workspaces/log-synaxis-production`;
const ACTION_GROUP_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-cp-prod/providers/Microsoft.Insights/actionGroups/ag-test`;

/** What the Deployer passes, typed by the port: a parameter the template lacks fails to compile here. */
const deployerParameters: StampTemplateParameters = {
  stampId: 'weu-001',
  location: 'westeurope',
  environment: 'production',
  generation: 3,
  logAnalyticsWorkspaceId: WORKSPACE_ID,
  actionGroupResourceId: ACTION_GROUP_ID,
  gitOpsRepositoryUrl: 'https://git.example.org/synaxis/stamp-apps.git',
};

function plainParameters(parameters: StampTemplateParameters): Record<string, ParameterValue> {
  const plain: Record<string, ParameterValue> = {};
  for (const [name, { value }] of Object.entries(toArmParameters(parameters))) plain[name] = value;
  return plain;
}

describe('stamp template contract (shared/ports/stampTemplate.ts)', () => {
  const template = compiled('stamp/main.json');
  const parameters = asRecord(template['parameters'], 'parameters');
  const outputs = asRecord(template['outputs'], 'outputs');

  it('targets the subscription, so that it can create the stamp resource group', () => {
    assert.match(String(template['$schema']), /subscriptionDeploymentTemplate\.json/);
  });

  it('declares exactly the parameters the port names', () => {
    assert.deepEqual(Object.keys(parameters).sort(), [...STAMP_TEMPLATE_PARAMETER_NAMES].sort());
  });

  it('gives each parameter the type and optionality the port states', () => {
    for (const name of STAMP_TEMPLATE_PARAMETER_NAMES) {
      const declared = asRecord(parameters[name], name);
      const expected = STAMP_TEMPLATE_PARAMETERS[name];
      assert.equal(declared['type'], expected.type, `${name} type`);
      assert.equal(!('defaultValue' in declared), expected.required, `${name} required`);
    }
  });

  it('allows exactly the environments the port lists', () => {
    const allowed = asArray(
      asRecord(parameters['environment'], 'environment')['allowedValues'],
      'allowedValues',
    );
    assert.deepEqual(allowed.map(String).sort(), [...STAMP_ENVIRONMENTS].sort());
  });

  it('declares exactly the outputs the port names, all strings', () => {
    assert.deepEqual(Object.keys(outputs).sort(), [...STAMP_TEMPLATE_OUTPUT_NAMES].sort());
    for (const name of STAMP_TEMPLATE_OUTPUT_NAMES) {
      assert.equal(asRecord(outputs[name], name)['type'], 'string', name);
    }
  });
});

describe('stamp template evaluated with the Deployer parameters', () => {
  let snap: Snapshot;
  before(() => {
    snap = snapshot('stamp/main.json', 'stamp', plainParameters(deployerParameters), 'westeurope');
  });

  const rg = `/resourceGroups/${stampResourceGroup('weu-001')}/`;

  it('evaluates without diagnostics into one resource group named after the stamp, as the core names it', () => {
    assert.deepEqual(snap.diagnostics, []);
    const [group] = exactly(snap, 'Microsoft.Resources/resourceGroups', 1);
    assert.equal(group?.name, stampResourceGroup('weu-001'));
    assert.equal(group?.name, 'rg-synaxis-stamp-weu-001');
    const [cluster] = exactly(snap, 'Microsoft.ContainerService/managedClusters', 1);
    // The alert classifier finds a stamp by its cluster's name: the template must name it so.
    assert.equal(cluster?.name, aksClusterName('weu-001'));
    assert.equal(CLUSTER_STAMP.exec(cluster?.name ?? '')?.[1], 'weu-001');
    assert.equal(RESOURCE_GROUP_STAMP.exec(cluster?.id ?? '')?.[1], 'weu-001');
    assert.equal(at(group?.body, 'tags.synaxis-generation'), '3');
    const outside = snap.resources.filter(
      (r) => r.type !== 'Microsoft.Resources/resourceGroups' && !r.id.includes(rg),
    );
    assert.deepEqual(
      outside.map((r) => r.id),
      [],
      'every resource lives in the stamp resource group',
    );
  });

  // Each data service: its type, how its public access is switched off, and its private link group.
  /** Each data service, its sub-resource and the private DNS zone its endpoint registers in. */
  const dataServices: { type: string; publicAccess: string; group: string; zone: string }[] = [
    {
      type: 'Microsoft.KeyVault/vaults',
      publicAccess: 'properties.publicNetworkAccess',
      group: 'vault',
      zone: 'privatelink.vaultcore.azure.net',
    },
    {
      type: 'Microsoft.ContainerRegistry/registries',
      publicAccess: 'properties.publicNetworkAccess',
      group: 'registry',
      zone: 'privatelink.azurecr.io',
    },
    {
      type: 'Microsoft.DocumentDB/databaseAccounts',
      publicAccess: 'properties.publicNetworkAccess',
      group: 'Sql',
      zone: 'privatelink.documents.azure.com',
    },
    {
      type: 'Microsoft.ServiceBus/namespaces',
      publicAccess: 'properties.publicNetworkAccess',
      group: 'namespace',
      zone: 'privatelink.servicebus.windows.net',
    },
    {
      type: 'Microsoft.Cache/redisEnterprise',
      publicAccess: 'properties.publicNetworkAccess',
      group: 'redisEnterprise',
      zone: 'privatelink.redis.azure.net',
    },
    {
      type: 'Microsoft.DBforPostgreSQL/flexibleServers',
      publicAccess: 'properties.network.publicNetworkAccess',
      group: 'postgresqlServer',
      zone: 'privatelink.postgres.database.azure.com',
    },
  ];

  it('has each data service once, with public network access disabled', () => {
    for (const service of dataServices) {
      const [resource] = exactly(snap, service.type, 1);
      assert.equal(at(resource?.body, service.publicAccess), 'Disabled', service.type);
    }
  });

  it('reaches every data service through exactly one private endpoint in the spoke, registered in private DNS', () => {
    const endpoints = exactly(snap, 'Microsoft.Network/privateEndpoints', dataServices.length);
    const zoneGroups = exactly(
      snap,
      'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      dataServices.length,
    );
    for (const service of dataServices) {
      const [resource] = snap.ofType(service.type);
      const connected = endpoints.filter((endpoint) =>
        asArray(at(endpoint.body, 'properties.privateLinkServiceConnections'), 'connections').some(
          (c) => at(c, 'properties.privateLinkServiceId') === resource?.id,
        ),
      );
      assert.equal(connected.length, 1, `${service.type} private endpoints`);
      const [endpoint] = connected;
      const connection = asArray(at(endpoint?.body, 'properties.privateLinkServiceConnections'), 'c')[0];
      assert.deepEqual(at(connection, 'properties.groupIds'), [service.group], service.type);
      assert.match(
        String(at(endpoint?.body, 'properties.subnet.id')),
        /vnet-spoke-weu-001\/subnets\/snet-private-endpoints$/,
      );
      const group = zoneGroups.find((g) => g.id.startsWith(`${endpoint?.id}/`));
      assert.ok(group, `${service.type}: its private endpoint has a DNS zone group`);
      // The zone of its own service, picked by name (a zone picked by position would be another's).
      const zoneIds = asArray(at(group.body, 'properties.privateDnsZoneConfigs'), 'configs').map((c) =>
        String(at(c, 'properties.privateDnsZoneId')),
      );
      assert.deepEqual(
        zoneIds.map((id) => id.split('/').pop()),
        [service.zone],
        service.type,
      );
    }
  });

  it('runs AKS 1.29 with three pools of the agreed sizes and no public IPs on nodes', () => {
    const [cluster] = exactly(snap, 'Microsoft.ContainerService/managedClusters', 1);
    const properties = asRecord(cluster?.body['properties'], 'cluster properties');
    assert.equal(properties['kubernetesVersion'], '1.29');
    const pools = asArray(properties['agentPoolProfiles'], 'agentPoolProfiles').map((p) =>
      asRecord(p, 'pool'),
    );
    const shape = pools.map((p) => ({
      name: p['name'],
      mode: p['mode'],
      vmSize: p['vmSize'],
      count: p['count'],
      autoscale: p['enableAutoScaling'],
      min: p['minCount'],
      max: p['maxCount'],
    }));
    assert.deepEqual(shape, [
      {
        name: 'system',
        mode: 'System',
        vmSize: 'Standard_D4s_v3',
        count: 3,
        autoscale: false,
        min: null,
        max: null,
      },
      { name: 'user', mode: 'User', vmSize: 'Standard_D8s_v3', count: 2, autoscale: true, min: 2, max: 10 },
      {
        name: 'inference',
        mode: 'User',
        vmSize: 'Standard_D8s_v3',
        count: 1,
        autoscale: true,
        min: 1,
        max: 20,
      },
    ]);
    for (const pool of pools) {
      assert.equal(pool['enableNodePublicIP'], false, `${String(pool['name'])} public IPs`);
      // The subnet is picked from the spoke's list by position: this is what says it is the right one.
      assert.match(
        String(pool['vnetSubnetID']),
        /vnet-spoke-weu-001\/subnets\/snet-nodes$/,
        String(pool['name']),
      );
    }
  });

  it('gives AKS workload identity, network policy, a private API server and egress through the firewall', () => {
    const [cluster] = snap.ofType('Microsoft.ContainerService/managedClusters');
    const body = cluster?.body;
    assert.equal(at(body, 'properties.oidcIssuerProfile.enabled'), true);
    assert.equal(at(body, 'properties.securityProfile.workloadIdentity.enabled'), true);
    assert.equal(at(body, 'properties.networkProfile.networkPolicy'), 'cilium');
    assert.equal(at(body, 'properties.networkProfile.outboundType'), 'userDefinedRouting');
    assert.equal(at(body, 'properties.apiServerAccessProfile.enablePrivateCluster'), true);
    assert.equal(at(body, 'properties.disableLocalAccounts'), true);
    assert.equal(at(body, 'properties.securityProfile.azureKeyVaultKms.enabled'), true);
    assert.equal(
      at(body, 'properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID'),
      WORKSPACE_ID,
    );
    const [route] = exactly(snap, 'Microsoft.Network/routeTables', 1);
    const routes = asArray(at(route?.body, 'properties.routes'), 'routes');
    assert.deepEqual(
      routes.map((r) => [at(r, 'properties.addressPrefix'), at(r, 'properties.nextHopType')]),
      [['0.0.0.0/0', 'VirtualAppliance']],
    );
  });

  it('deploys the stamp applications with GitOps (the Flux extension and a configuration)', () => {
    const [extension] = exactly(snap, 'Microsoft.KubernetesConfiguration/extensions', 1);
    assert.equal(at(extension?.body, 'properties.extensionType'), 'microsoft.flux');
    const [flux] = exactly(snap, 'Microsoft.KubernetesConfiguration/fluxConfigurations', 1);
    assert.equal(at(flux?.body, 'properties.gitRepository.url'), deployerParameters.gitOpsRepositoryUrl);
  });

  it('signals capacity to the control plane with node CPU alerts on the cluster', () => {
    const alerts = exactly(snap, 'Microsoft.Insights/metricAlerts', 2);
    const [cluster] = snap.ofType('Microsoft.ContainerService/managedClusters');
    for (const alert of alerts) {
      assert.deepEqual(at(alert.body, 'properties.scopes'), [cluster?.id]);
      const criteria = asArray(at(alert.body, 'properties.criteria.allOf'), 'allOf');
      assert.deepEqual(
        criteria.map((c) => at(c, 'metricName')),
        ['node_cpu_usage_percentage'],
      );
      assert.deepEqual(
        asArray(at(alert.body, 'properties.actions'), 'actions').map((a) => at(a, 'actionGroupId')),
        [ACTION_GROUP_ID],
      );
    }
    assert.deepEqual(
      alerts.map((a) => at(asArray(at(a.body, 'properties.criteria.allOf'), 'allOf')[0], 'operator')).sort(),
      ['GreaterThan', 'LessThan'],
    );
  });

  it('keeps HSM-backed keys in a purge-protected, RBAC-only Premium Key Vault', () => {
    const [vault] = exactly(snap, 'Microsoft.KeyVault/vaults', 1);
    assert.equal(at(vault?.body, 'properties.sku.name'), 'premium');
    assert.equal(at(vault?.body, 'properties.enablePurgeProtection'), true);
    assert.equal(at(vault?.body, 'properties.enableSoftDelete'), true);
    assert.equal(at(vault?.body, 'properties.enableRbacAuthorization'), true);
    const keys = exactly(snap, 'Microsoft.KeyVault/vaults/keys', 1);
    for (const key of keys) {
      assert.match(String(at(key.body, 'properties.kty')), /^(RSA|EC)-HSM$/, key.name);
      assert.equal(at(key.body, 'properties.attributes.exportable'), false, key.name);
    }
  });

  it('sets the highest minimum TLS each data service offers', () => {
    const tls: [string, string, string][] = [
      ['Microsoft.DocumentDB/databaseAccounts', 'properties.minimalTlsVersion', 'Tls12'],
      ['Microsoft.ServiceBus/namespaces', 'properties.minimumTlsVersion', '1.2'],
      ['Microsoft.Cache/redisEnterprise', 'properties.minimumTlsVersion', '1.2'],
    ];
    for (const [type, path, expected] of tls) {
      const [resource] = exactly(snap, type, 1);
      assert.equal(at(resource?.body, path), expected, type);
    }
    const configurations = exactly(snap, 'Microsoft.DBforPostgreSQL/flexibleServers/configurations', 2);
    const settings = Object.fromEntries(
      configurations.map((c): [string, unknown] => [
        String(c.name.split('/').pop()),
        at(c.body, 'properties.value'),
      ]),
    );
    assert.deepEqual(settings, { ssl_min_protocol_version: 'TLSv1.3', require_secure_transport: 'on' });
    const [database] = exactly(snap, 'Microsoft.Cache/redisEnterprise/databases', 1);
    assert.equal(at(database?.body, 'properties.clientProtocol'), 'Encrypted');
  });

  it('uses identities, not keys or passwords, for every data service', () => {
    const [cosmos] = snap.ofType('Microsoft.DocumentDB/databaseAccounts');
    assert.equal(at(cosmos?.body, 'properties.disableLocalAuth'), true);
    const [bus] = snap.ofType('Microsoft.ServiceBus/namespaces');
    assert.equal(at(bus?.body, 'properties.disableLocalAuth'), true);
    const [registry] = snap.ofType('Microsoft.ContainerRegistry/registries');
    assert.equal(at(registry?.body, 'properties.adminUserEnabled'), false);
    const [redis] = snap.ofType('Microsoft.Cache/redisEnterprise/databases');
    assert.equal(at(redis?.body, 'properties.accessKeysAuthentication'), 'Disabled');
    const [postgres] = snap.ofType('Microsoft.DBforPostgreSQL/flexibleServers');
    assert.equal(at(postgres?.body, 'properties.authConfig.passwordAuth'), 'Disabled');
    exactly(snap, 'Microsoft.ManagedIdentity/userAssignedIdentities', 4); // cluster, kubelet, workload (twice: + federation)
    exactly(snap, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 1);
  });

  it('replicates ACR (Premium) and Cosmos DB to the paired region', () => {
    const [registry] = snap.ofType('Microsoft.ContainerRegistry/registries');
    assert.equal(at(registry?.body, 'sku.name'), 'Premium');
    const [replica] = exactly(snap, 'Microsoft.ContainerRegistry/registries/replications', 1);
    assert.equal(at(replica?.body, 'location'), 'northeurope');
    const [cosmos] = snap.ofType('Microsoft.DocumentDB/databaseAccounts');
    const regions = asArray(at(cosmos?.body, 'properties.locations'), 'locations').map((l) =>
      at(l, 'locationName'),
    );
    assert.deepEqual(regions, ['westeurope', 'northeurope']);
  });

  it('restricts egress: firewall policy in deny mode, no rule open to any destination except NTP', () => {
    const [firewall] = exactly(snap, 'Microsoft.Network/azureFirewalls', 1);
    const [ipConfiguration] = asArray(at(firewall?.body, 'properties.ipConfigurations'), 'ipConfigurations');
    assert.match(String(at(ipConfiguration, 'properties.subnet.id')), /\/subnets\/AzureFirewallSubnet$/);
    const groups = snap.ofType('Microsoft.Network/firewallPolicies/ruleCollectionGroups');
    assert.ok(groups.length >= 2, 'egress and ingress rule collection groups');
    let rulesSeen = 0;
    for (const group of groups) {
      for (const collection of asArray(at(group.body, 'properties.ruleCollections'), 'ruleCollections')) {
        for (const rule of asArray(at(collection, 'rules'), 'rules')) {
          rulesSeen += 1;
          const kind = at(rule, 'ruleType');
          if (kind === 'ApplicationRule') {
            assert.ok(!asArray(at(rule, 'targetFqdns') ?? [], 'targetFqdns').includes('*'), 'no * FQDN');
          } else if (kind === 'NetworkRule' && asArray(at(rule, 'destinationAddresses'), 'd').includes('*')) {
            assert.deepEqual([at(rule, 'ipProtocols'), at(rule, 'destinationPorts')], [['UDP'], ['123']]);
          }
        }
      }
    }
    assert.ok(rulesSeen >= 5, `rules checked: ${rulesSeen}`);
    for (const policy of exactly(snap, 'Microsoft.Network/firewallPolicies', 2)) {
      assert.equal(at(policy.body, 'properties.threatIntelMode'), 'Deny');
    }
  });

  it('sends every diagnostic setting to the global workspace it was given', () => {
    const settings = snap.ofType('Microsoft.Insights/diagnosticSettings');
    assert.ok(settings.length >= 12, `diagnostic settings: ${settings.length}`);
    for (const setting of settings)
      assert.equal(at(setting.body, 'properties.workspaceId'), WORKSPACE_ID, setting.id);
    const covered = new Set(settings.map((s) => s.id.split('/providers/Microsoft.Insights/')[0]));
    for (const type of [
      'Microsoft.KeyVault/vaults',
      'Microsoft.ContainerService/managedClusters',
      'Microsoft.Network/azureFirewalls',
    ]) {
      const [resource] = snap.ofType(type);
      assert.ok(covered.has(resource?.id), `${type} has diagnostics`);
    }
  });

  it('names role assignments deterministically from scope, principal and role', () => {
    const assignments = snap.ofType('Microsoft.Authorization/roleAssignments');
    assert.ok(assignments.length >= 8, `role assignments: ${assignments.length}`);
    for (const assignment of assignments) assertNamedFromScopePrincipalRole(assignment);
    const roles = new Set(
      assignments.map((a) => String(at(a.body, 'properties.roleDefinitionId')).split('/').pop()),
    );
    assert.ok(roles.has(roleIdOf('AcrPull')), 'AcrPull for the kubelet');
    assert.ok(roles.has(roleIdOf('Key Vault Crypto User')), 'Key Vault Crypto User for KMS');
  });

  it('outputs the origin host name (the firewall public IP FQDN) and resource ids in the stamp group', () => {
    assert.match(String(snap.outputs['originHostName']), /pip-afw-weu-001.*dnsSettings\.fqdn/);
    for (const name of [
      'aksClusterResourceId',
      'keyVaultResourceId',
      'cosmosAccountResourceId',
      'redisResourceId',
    ]) {
      assert.ok(String(snap.outputs[name]).includes(rg), name);
    }
  });
});

describe('stamp template with only the required parameters', () => {
  it('evaluates, with no capacity alerts, no Flux configuration and the region pair as default', () => {
    const minimal: StampTemplateParameters = {
      stampId: 'sea-002',
      location: 'southeastasia',
      environment: 'staging',
      generation: 1,
      logAnalyticsWorkspaceId: WORKSPACE_ID,
    };
    const snap = snapshot('stamp/main.json', 'stamp-minimal', plainParameters(minimal), 'southeastasia');
    assert.equal(snap.ofType('Microsoft.Insights/metricAlerts').length, 0);
    assert.equal(snap.ofType('Microsoft.KubernetesConfiguration/fluxConfigurations').length, 0);
    exactly(snap, 'Microsoft.KubernetesConfiguration/extensions', 1);
    const [replica] = exactly(snap, 'Microsoft.ContainerRegistry/registries/replications', 1);
    assert.equal(at(replica?.body, 'location'), 'eastasia');
  });
});

describe('stampTemplate port helpers', () => {
  it('builds ARM parameters, leaving out optional parameters that are not set', () => {
    assert.deepEqual(
      toArmParameters({
        stampId: 'eus-004',
        location: 'eastus',
        environment: 'production',
        generation: 2,
        logAnalyticsWorkspaceId: WORKSPACE_ID,
      }),
      {
        stampId: { value: 'eus-004' },
        location: { value: 'eastus' },
        environment: { value: 'production' },
        generation: { value: 2 },
        logAnalyticsWorkspaceId: { value: WORKSPACE_ID },
      },
    );
  });

  it('reads every output of a finished deployment and rejects one that is missing', () => {
    const outputs = Object.fromEntries(
      STAMP_TEMPLATE_OUTPUT_NAMES.map((name) => [name, { type: 'String', value: `value-of-${name}` }]),
    );
    const parsed = parseStampTemplateOutputs(outputs);
    assert.equal(parsed.originHostName, 'value-of-originHostName');
    assert.equal(Object.keys(parsed).length, STAMP_TEMPLATE_OUTPUT_NAMES.length);
    const { originHostName: _dropped, ...missing } = outputs;
    assert.throws(() => parseStampTemplateOutputs(missing), /originHostName is missing/);
    assert.throws(() => parseStampTemplateOutputs(null), /expected an object/);
  });
});
