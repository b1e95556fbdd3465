import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { previewSummary } from '../../shared/cli/format';

describe("stampctl's dry-run summary", () => {
  it("prints a stamp request's deployment: resources, quota and the roles' verdict", () => {
    const text = previewSummary({
      dryRun: true,
      outcome: 'accepted',
      summary: 'eus-004 in eastus',
      transition: { stampId: 'eus-004', from: null, to: { phase: 'provisioning', traffic: 'none' } },
      effects: [{ kind: 'start-deployment' }],
      regionsAfter: [{ name: 'eastus', desired: 3, serving: 2, inRotation: 2, holding: 3, max: 3 }],
      reconciler: [],
      deployment: {
        byType: { 'Microsoft.ContainerService/managedClusters': 1, 'Microsoft.Network/privateEndpoints': 6 },
        byChange: { Create: 7 },
        quotaLeft: 2,
        permissions: {
          checked: true,
          refused: [{ action: 'Microsoft.Authorization/policyAssignments/write' }],
        },
      },
    });
    assert.match(text, /^ {2}would go {3}new → provisioning\/none$/m);
    assert.match(text, /^ {2}deployment 7 resources of 2 types \(Create 7\)$/m);
    assert.match(text, /^ {2}quota {6}2 more stamps allowed in the region$/m);
    assert.match(text, /^ {2}roles {6}refuse Microsoft\.Authorization\/policyAssignments\/write$/m);
    assert.match(text, /^nothing was changed$/m);
  });

  it('says when the deployment could not be previewed', () => {
    const text = previewSummary({
      dryRun: true,
      outcome: 'accepted',
      summary: 's',
      effects: [],
      deployment: { unavailable: 'the what-if failed: throttled' },
    });
    assert.match(text, /^ {2}deployment the what-if failed: throttled$/m);
  });
});
