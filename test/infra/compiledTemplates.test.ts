/**
 * Rules every compiled template under dist/infra must keep (issue 6, and the AVM interface the modules follow):
 * pinned API versions, no secret in any output, no secure parameter with a default, and one
 * init/idem test per stamp module.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  asRecord,
  at,
  compiled,
  compiledTemplatePaths,
  isRecord,
  repoRoot,
  templateOutputs,
  templateResources,
} from './support';

/**
 * Preview API versions allowed, each with its reason. Anything else must be a GA version.
 * diagnosticSettings: 2021-05-01-preview is the version with category groups (allLogs) and the
 * one AVM modules pin; the GA 2016-09-01 lacks category groups.
 */
const ALLOWED_PREVIEW = new Set(['Microsoft.Insights/diagnosticSettings@2021-05-01-preview']);

const ENTRY_POINTS = ['stamp/main.json', 'global/main.json', 'main.json'];

const STAMP_MODULES = [
  'vnet',
  'nsg',
  'route-table',
  'firewall',
  'firewall-policy',
  'keyvault',
  'keyvault-key',
  'postgresql',
  'redis',
  'policy-assignments',
  'aks',
  'acr',
  'cosmos',
  'redis-enterprise',
  'servicebus',
  'frontdoor',
];

const paths = compiledTemplatePaths();

describe('compiled templates', () => {
  it('include the three entry points and one e2e test per module', () => {
    for (const entry of ENTRY_POINTS) assert.ok(paths.includes(entry), entry);
    for (const module of STAMP_MODULES)
      assert.ok(paths.includes(`tests/e2e/${module}/main.test.json`), module);
  });

  it('have a module file for every module the issue lists (and tests for all of them)', () => {
    const files = readdirSync(join(repoRoot, 'infra', 'stamp', 'modules'))
      .filter((f) => f.endsWith('.bicep'))
      .map((f) => f.replace(/\.bicep$/, ''));
    for (const module of STAMP_MODULES) assert.ok(files.includes(module), `modules/${module}.bicep`);
    for (const module of files)
      assert.ok(paths.includes(`tests/e2e/${module}/main.test.json`), `e2e for ${module}`);
  });

  it('pin a GA API version on every resource (previews only where justified)', () => {
    let checked = 0;
    for (const path of paths) {
      for (const resource of templateResources(compiled(path), path)) {
        checked += 1;
        const version = resource.apiVersion;
        assert.equal(
          typeof version,
          'string',
          `${resource.where} ${resource.symbol} (${resource.type}) has no apiVersion`,
        );
        assert.match(
          String(version),
          /^\d{4}-\d{2}-\d{2}(-preview)?$/,
          `${resource.where} ${resource.symbol}`,
        );
        if (String(version).endsWith('-preview')) {
          assert.ok(
            ALLOWED_PREVIEW.has(`${resource.type}@${String(version)}`),
            `${resource.where} ${resource.symbol}: ${resource.type}@${String(version)} is a preview`,
          );
        }
      }
    }
    assert.ok(checked > 400, `resources checked: ${checked}`);
  });

  it('put no secret in any output', () => {
    const secretName =
      /(password|secret|connectionstring|accesskey|primarykey|secondarykey|sastoken|credential)/i;
    const listCall = /\blist[A-Za-z]*\(/;
    let checked = 0;
    for (const path of paths) {
      for (const output of templateOutputs(compiled(path), path)) {
        checked += 1;
        assert.ok(
          !secretName.test(output.name),
          `${output.where} output ${output.name} is named like a secret`,
        );
        assert.ok(
          !listCall.test(JSON.stringify(output.value)),
          `${output.where} output ${output.name} reads keys with a list*() call`,
        );
        assert.ok(
          !/^secure/i.test(String(output.type)),
          `${output.where} output ${output.name} is a secure output: avoid it`,
        );
      }
    }
    assert.ok(checked > 200, `outputs checked: ${checked}`);
  });

  it('give no secure parameter a default value', () => {
    let secure = 0;
    for (const path of paths) {
      const walk = (template: unknown, where: string): void => {
        const parameters = at(template, 'parameters');
        if (isRecord(parameters)) {
          for (const [name, raw] of Object.entries(parameters)) {
            const parameter = asRecord(raw, `${where} parameter ${name}`);
            if (/^secure/i.test(String(parameter['type']))) {
              secure += 1;
              assert.ok(
                !('defaultValue' in parameter),
                `${where} parameter ${name} is secure with a default`,
              );
            }
          }
        }
        const resources = at(template, 'resources');
        const list = Array.isArray(resources)
          ? resources
          : isRecord(resources)
            ? Object.values(resources)
            : [];
        for (const resource of list) {
          const nested = at(resource, 'properties.template');
          if (isRecord(nested)) walk(nested, `${where} > ${String(at(resource, 'name'))}`);
        }
      };
      walk(compiled(path), path);
    }
    // The templates take no secrets at all (identities everywhere); keep it that way.
    assert.equal(secure, 0, 'secure parameters exist: check that none has a default, then update this count');
  });

  it('deploy each module twice in its e2e test (init, then idem)', () => {
    for (const module of STAMP_MODULES) {
      const path = `tests/e2e/${module}/main.test.json`;
      // The test's own deployment, at the top (the module's own nested deployments may loop too).
      const test = templateResources(compiled(path), path).find(
        (r) => r.where === path && r.type === 'Microsoft.Resources/deployments' && isRecord(r.body['copy']),
      );
      assert.ok(test, `${path}: no testDeployment`);
      const copy = asRecord(test.body['copy'], `${path} copy`);
      assert.equal(copy['mode'], 'serial', `${path}: the two runs must be sequential`);
      assert.equal(copy['batchSize'], 1, path);
      assert.match(JSON.stringify(copy['count']), /init.*idem/, `${path}: iterations`);
    }
  });

  it('use no public registry module (no br/public reference survives compilation)', () => {
    for (const path of paths) {
      const metadata = JSON.stringify(compiled(path));
      assert.ok(!metadata.includes('br/public:'), path);
    }
  });
});

describe('global template', () => {
  const template = compiled('global/main.json');
  it('outputs the workspace and Front Door ids the stamps and the control plane need', () => {
    const outputs = Object.keys(asRecord(template['outputs'], 'outputs'));
    for (const name of [
      'logAnalyticsWorkspaceId',
      'frontDoorProfileId',
      'frontDoorOriginGroupName',
      'frontDoorId',
    ]) {
      assert.ok(outputs.includes(name), name);
    }
  });

  it('creates the Front Door origin group with health probes and a WAF in prevention mode', () => {
    const resources = templateResources(template, 'global');
    const groups = resources.filter((r) => r.type === 'Microsoft.Cdn/profiles/originGroups');
    assert.equal(groups.length, 1);
    assert.equal(at(groups[0]?.body, 'properties.healthProbeSettings.probeProtocol'), 'Https');
    const waf = resources.filter(
      (r) => r.type === 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies',
    );
    assert.equal(waf.length, 1);
    assert.equal(at(waf[0]?.body, 'properties.policySettings.mode'), 'Prevention');
    const origins = resources.filter((r) => r.type === 'Microsoft.Cdn/profiles/originGroups/origins');
    assert.deepEqual(origins, [], 'origins belong to the control plane, which registers stamps');
    const workspaces = resources.filter((r) => r.type === 'Microsoft.OperationalInsights/workspaces');
    assert.equal(workspaces.length, 1);
    assert.equal(at(workspaces[0]?.body, 'properties.features.disableLocalAuth'), true);
  });
});
