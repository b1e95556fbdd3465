import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { canaryPeers } from '../../shared/app/canaryComparison';
import type { FleetMember } from '../../shared/lifecycle';

const m = (id: string, region: string, extra: Partial<FleetMember> = {}): FleetMember => ({
  id,
  region,
  phase: 'active',
  traffic: 'in-rotation',
  probe: 'healthy',
  ...extra,
});

describe("a canary's peers", () => {
  it('are the settled stamps of its region: in rotation, healthy, not ramping, not itself', () => {
    const members = [
      m('weu-001', 'westeurope'),
      m('weu-002', 'westeurope', { probe: 'failing' }),
      m('weu-003', 'westeurope', { ramping: true }),
      m('weu-004', 'westeurope', { traffic: 'standby', spareSince: '2026-01-01T00:00:00.000Z' }),
      m('weu-005', 'westeurope', { ramping: true }),
      m('eus-001', 'eastus'),
    ];
    assert.deepEqual(canaryPeers(members, 'weu-005', 'westeurope'), ['weu-001']);
  });

  it("are the fleet's settled stamps when its region has none, so a lone stamp is still compared", () => {
    const members = [
      m('sea-004', 'southeastasia', { ramping: true }),
      m('eus-001', 'eastus'),
      m('weu-001', 'westeurope'),
    ];
    assert.deepEqual(canaryPeers(members, 'sea-004', 'southeastasia'), ['eus-001', 'weu-001']);
    assert.deepEqual(
      canaryPeers([m('sea-004', 'southeastasia', { ramping: true })], 'sea-004', 'southeastasia'),
      [],
    );
  });
});
