/**
 * Issue 11, defect 1: "Azure Service Bus Data Receiver" had a wrong role definition id in three
 * places (two templates and the test that checked them), so the control-plane deployment would
 * fail with no such role definition. Role ids now have one home, infra/roles/built-in-roles.json,
 * each checked against two public sources named next to it, and these tests keep it that way.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';

import { conditionRoleIds, roleNameOf, roleTable } from '../support/azureRbac';
import { controlPlaneSnapshot } from './controlPlaneGrants';
import { at, repoRoot, type Snapshot, snapshot, SUBSCRIPTION_ID } from './support';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function bicepFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...bicepFiles(full));
    else if (entry.name.endsWith('.bicep')) found.push(full);
  }
  return found;
}

describe('the built-in role table (infra/roles/built-in-roles.json)', () => {
  it('maps each role name to one lower-case GUID, no id twice, each with its two sources', () => {
    const all = { ...roleTable.azureRbac, ...roleTable.cosmosDbSql };
    const ids = Object.values(all);
    assert.equal(new Set(ids).size, ids.length, 'an id appears under two names');
    for (const [name, id] of Object.entries(all)) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, name);
      const source = roleTable.sources[name] ?? '';
      assert.match(source, /Azure Verified Modules avm\/res\//, `${name}: AVM source`);
      assert.match(source, /https:\/\/learn\.microsoft\.com\//, `${name}: documentation source`);
    }
  });

  it('gives each modelled role permission its source, and models only roles of the table', () => {
    for (const [name, permissions] of Object.entries(roleTable.permissions)) {
      assert.ok(roleTable.azureRbac[name] !== undefined, `${name} is not in azureRbac`);
      assert.match(permissions.source, /^https:\/\/learn\.microsoft\.com\//, name);
      assert.ok(permissions.actions.length > 0, name);
    }
  });
});

describe('role definition ids in the infrastructure', () => {
  let snapshots: Snapshot[];
  before(() => {
    snapshots = [
      snapshot(
        'stamp/main.json',
        'stamp-roles',
        {
          stampId: 'eus-001',
          location: 'eastus',
          environment: 'staging',
          generation: 1,
          logAnalyticsWorkspaceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-g/providers/Microsoft.OperationalInsights/workspaces/log-g`,
        },
        'eastus',
      ),
      controlPlaneSnapshot('control-plane-roles'),
    ];
  });

  it('no Bicep file writes a GUID except a policy definition id: role ids come from the table', () => {
    const offending: string[] = [];
    for (const file of bicepFiles(join(repoRoot, 'infra'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (line.match(GUID) === null) return;
          if (/policyDefinitions|definitionId:/.test(line)) return;
          offending.push(`${relative(repoRoot, file)}:${index + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offending, []);
  });

  it('every role assignment the templates make names a built-in role of the table', () => {
    let checked = 0;
    for (const snap of snapshots) {
      for (const assignment of snap.ofType('Microsoft.Authorization/roleAssignments')) {
        const id = String(at(assignment.body, 'properties.roleDefinitionId'));
        assert.ok(roleNameOf(id) !== undefined, `${assignment.id}: ${id} is not in the role table`);
        checked += 1;
      }
    }
    assert.ok(checked > 20, `checked ${checked} role assignments`);
  });

  it('every Cosmos DB data-plane role assignment names a Cosmos DB built-in data role of the table', () => {
    const sqlIds = new Set(Object.values(roleTable.cosmosDbSql));
    let checked = 0;
    for (const snap of snapshots) {
      for (const assignment of snap.ofType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')) {
        const id = String(at(assignment.body, 'properties.roleDefinitionId')).split('/').pop() ?? '';
        assert.ok(sqlIds.has(id), `${assignment.id}: ${id}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 2, `checked ${checked}`);
  });

  it("the role assigner's condition names only roles of the table, Service Bus Data Receiver among them", () => {
    const conditions = snapshots
      .flatMap((s) => s.ofType('Microsoft.Authorization/roleAssignments'))
      .map((a) => at(a.body, 'properties.condition'))
      .filter((c): c is string => typeof c === 'string');
    assert.equal(conditions.length, 1);
    const ids = conditionRoleIds(conditions[0] ?? '');
    assert.deepEqual(
      ids.filter((id) => roleNameOf(id) === undefined),
      [],
    );
    assert.ok(ids.map(roleNameOf).includes('Azure Service Bus Data Receiver'));
  });
});
