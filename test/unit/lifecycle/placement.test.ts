import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  capacityCounts,
  type FleetMember,
  type Phase,
  type PlacementRequest,
  placeStamp,
} from '../../../shared/lifecycle';
import { fleet, member, policyWith } from './support/fixtures';

function stamps(region: string, code: string, count: number, phase: Phase = 'active'): FleetMember[] {
  return Array.from({ length: count }, (_, i) =>
    member(`${code}-${String(i + 1).padStart(3, '0')}`, region, {
      phase,
      traffic: phase === 'active' ? 'in-rotation' : 'none',
    }),
  );
}

interface PlacementCase {
  readonly name: string;
  readonly request: PlacementRequest;
  readonly members: FleetMember[];
  readonly expect:
    { placed: string; surge?: boolean } | { refused: 'unknown-region' | 'no-capacity'; reason: RegExp };
}

const full = [
  ...stamps('westeurope', 'weu', 4),
  ...stamps('eastus', 'eus', 3),
  ...stamps('southeastasia', 'sea', 3),
];

const CASES: readonly PlacementCase[] = [
  {
    name: 'the asked region when it has room',
    request: { region: 'eastus', allowOtherRegions: false },
    members: [],
    expect: { placed: 'eastus' },
  },
  {
    name: 'the first region by priority when none is asked',
    request: { allowOtherRegions: false },
    members: [],
    expect: { placed: 'westeurope' },
  },
  {
    name: 'the next region by priority when none is asked and the first is full',
    request: { allowOtherRegions: false },
    members: stamps('westeurope', 'weu', 4),
    expect: { placed: 'eastus' },
  },
  {
    name: 'refused when the asked region is full and others are not allowed',
    request: { region: 'westeurope', allowOtherRegions: false },
    members: stamps('westeurope', 'weu', 4),
    expect: { refused: 'no-capacity', reason: /westeurope 4\/4; set allowOtherRegions/ },
  },
  {
    name: 'the next by priority when the asked region is full and others are allowed',
    request: { region: 'westeurope', allowOtherRegions: true },
    members: stamps('westeurope', 'weu', 4),
    expect: { placed: 'eastus' },
  },
  {
    name: 'skips full regions in priority order',
    request: { region: 'westeurope', allowOtherRegions: true },
    members: [...stamps('westeurope', 'weu', 4), ...stamps('eastus', 'eus', 3)],
    expect: { placed: 'southeastasia' },
  },
  {
    name: 'counts provisioning, registering and draining stamps',
    request: { region: 'eastus', allowOtherRegions: false },
    members: [
      ...stamps('eastus', 'eus', 1, 'provisioning'),
      ...stamps('eastus', 'eus', 1, 'registering'),
      ...stamps('eastus', 'eus', 1, 'draining'),
    ],
    expect: { refused: 'no-capacity', reason: /eastus 3\/3/ },
  },
  {
    name: 'does not count quarantined, decommissioning, archived or failed stamps',
    request: { region: 'eastus', allowOtherRegions: false },
    members: [
      ...stamps('eastus', 'eus', 1, 'quarantined'),
      ...stamps('eastus', 'eus', 1, 'decommissioning'),
      ...stamps('eastus', 'eus', 1, 'archived'),
      ...stamps('eastus', 'eus', 1, 'failed'),
    ],
    expect: { placed: 'eastus' },
  },
  {
    name: 'refuses beyond the total maximum',
    request: { allowOtherRegions: true },
    members: full,
    expect: { refused: 'no-capacity', reason: /the fleet holds 10 stamps, the total maximum is 10/ },
  },
  {
    name: 'a replacement may exceed its region max by the surge',
    request: { region: 'westeurope', allowOtherRegions: false, replacement: { excludeRegions: [] } },
    members: full,
    expect: { placed: 'westeurope', surge: true },
  },
  {
    name: 'a replacement may not exceed the surge',
    request: { region: 'westeurope', allowOtherRegions: false, replacement: { excludeRegions: [] } },
    members: [...full, ...stamps('westeurope', 'wex', 1)],
    expect: { refused: 'no-capacity', reason: /westeurope 5\/4 \(\+1 surge\)/ },
  },
  {
    name: 'a region-outage replacement goes elsewhere by priority',
    request: {
      region: 'westeurope',
      allowOtherRegions: true,
      replacement: { excludeRegions: ['westeurope'] },
    },
    members: full,
    expect: { placed: 'eastus', surge: true },
  },
  {
    name: 'a replacement with every region excluded is refused',
    request: {
      region: 'westeurope',
      allowOtherRegions: false,
      replacement: { excludeRegions: ['westeurope'] },
    },
    members: [],
    expect: { refused: 'no-capacity', reason: /every region is excluded/ },
  },
  {
    name: 'an unknown region is named with the configured ones',
    request: { region: 'mars', allowOtherRegions: true },
    members: [],
    expect: {
      refused: 'unknown-region',
      reason: /unknown region 'mars'; configured regions are westeurope, eastus, southeastasia/,
    },
  },
];

describe('placeStamp (guard 3, capacity)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = placeStamp(c.request, fleet(c.members), policyWith());
      if ('placed' in c.expect) {
        assert.equal(result.kind, 'placed', JSON.stringify(result));
        if (result.kind !== 'placed') return;
        assert.equal(result.region.name, c.expect.placed);
        assert.equal(result.surge, c.expect.surge ?? false);
      } else {
        assert.equal(result.kind, c.expect.refused, JSON.stringify(result));
        assert.match(result.reason, c.expect.reason);
      }
    });
  }

  it('counts capacity per region', () => {
    assert.deepEqual(Object.fromEntries(capacityCounts(fleet(full))), {
      westeurope: 4,
      eastus: 3,
      southeastasia: 3,
    });
  });
});
