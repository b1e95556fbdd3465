import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  assessHealthFailure,
  checkMinInRotation,
  type FleetMember,
  type HealthAssessment,
} from '../../../shared/lifecycle';
import { fleet, member, policyWith, seedFleet } from './support/fixtures';

function failing(members: FleetMember[], ids: string[]): FleetMember[] {
  return members.map((m) => (ids.includes(m.id) ? { ...m, probe: 'failing' as const } : m));
}

interface AssessCase {
  readonly name: string;
  readonly stamp: string;
  readonly fleet: FleetMember[];
  readonly maxUnhealthyPercent?: number;
  readonly expect: HealthAssessment['kind'];
}

const seed = seedFleet();
const seedMember = (id: string): FleetMember => {
  const found = seed.find((m) => m.id === id);
  if (found === undefined) throw new Error(id);
  return found;
};

const ASSESS: readonly AssessCase[] = [
  { name: 'one stamp failing in a healthy fleet', stamp: 'weu-001', fleet: seed, expect: 'stamp-failure' },
  {
    name: '4 of 10 failing (40%, not above 40)',
    stamp: 'weu-001',
    fleet: failing(seed, ['eus-001', 'sea-001', 'weu-002']),
    expect: 'stamp-failure',
  },
  {
    name: '5 of 10 failing across regions (50%)',
    stamp: 'weu-001',
    fleet: failing(seed, ['eus-001', 'sea-001', 'weu-002', 'eus-002']),
    expect: 'blast-radius',
  },
  {
    name: 'the failing stamp counts even when the fleet view is stale',
    stamp: 'weu-001',
    fleet: failing(seed, ['eus-001', 'sea-001', 'weu-002', 'eus-002']).map((m) =>
      m.id === 'weu-001' ? { ...m, probe: 'healthy' as const } : m,
    ),
    expect: 'blast-radius',
  },
  {
    name: 'every stamp of westeurope failing while the others are healthy',
    stamp: 'weu-004',
    fleet: failing(seed, ['weu-001', 'weu-002', 'weu-003']),
    expect: 'region-outage',
  },
  {
    name: 'a region outage counts isolated failing stamps of that region',
    stamp: 'eus-003',
    fleet: failing(seed, ['eus-001', 'eus-002']).map((m) =>
      m.id === 'eus-001' ? { ...m, traffic: 'isolated' as const } : m,
    ),
    expect: 'region-outage',
  },
  {
    name: 'not an outage when one stamp of the region is healthy',
    stamp: 'weu-004',
    fleet: failing(seed, ['weu-001', 'weu-002']),
    expect: 'stamp-failure',
  },
  {
    name: 'a single-stamp region failing is a stamp failure, not an outage',
    stamp: 'sea-001',
    fleet: [member('sea-001', 'southeastasia'), ...seed.filter((m) => m.region !== 'southeastasia')],
    expect: 'stamp-failure',
  },
  {
    name: 'not an outage when no other region is healthy in rotation',
    stamp: 'weu-002',
    fleet: [
      member('weu-001', 'westeurope', { probe: 'failing' }),
      member('weu-002', 'westeurope'),
      member('eus-001', 'eastus', { traffic: 'isolated' }),
    ],
    expect: 'blast-radius',
  },
  {
    name: 'operator-isolated healthy stamps are not in the base',
    stamp: 'weu-001',
    fleet: [
      member('weu-001', 'westeurope'),
      member('weu-002', 'westeurope'),
      member('eus-001', 'eastus'),
      member('eus-002', 'eastus', { traffic: 'isolated' }),
      member('eus-003', 'eastus', { traffic: 'isolated' }),
    ],
    expect: 'stamp-failure',
  },
  {
    name: 'stamps being built or retired are not in the base',
    stamp: 'weu-001',
    fleet: [
      member('weu-001', 'westeurope'),
      member('weu-002', 'westeurope'),
      member('weu-003', 'westeurope'),
      member('eus-001', 'eastus', { phase: 'draining', traffic: 'none', probe: 'failing' }),
      member('eus-002', 'eastus', { phase: 'provisioning', traffic: 'none', probe: 'failing' }),
    ],
    expect: 'stamp-failure',
  },
  {
    name: 'a stricter threshold trips earlier',
    stamp: 'weu-001',
    fleet: failing(seed, ['eus-001', 'sea-001']),
    maxUnhealthyPercent: 20,
    expect: 'blast-radius',
  },
];

describe('assessHealthFailure (guard 2)', () => {
  for (const c of ASSESS) {
    it(`${c.expect}: ${c.name}`, () => {
      const stamp = c.fleet.find((m) => m.id === c.stamp) ?? seedMember(c.stamp);
      const result = assessHealthFailure(
        stamp,
        fleet(c.fleet),
        policyWith(c.maxUnhealthyPercent === undefined ? {} : { maxUnhealthyPercent: c.maxUnhealthyPercent }),
      );
      assert.equal(result.kind, c.expect, JSON.stringify(result));
    });
  }

  it('names the region of an outage', () => {
    const result = assessHealthFailure(
      seedMember('weu-004'),
      fleet(failing(seed, ['weu-001', 'weu-002', 'weu-003'])),
      policyWith(),
    );
    assert.deepEqual(result, {
      kind: 'region-outage',
      region: 'westeurope',
      detail: 'all 4 stamps of westeurope are failing while other regions are healthy',
    });
  });
});

describe('checkMinInRotation (guard 1)', () => {
  const cases: { name: string; members: FleetMember[]; min: number; ok: boolean }[] = [
    {
      name: 'another stamp in rotation remains',
      members: [member('weu-001', 'westeurope'), member('weu-002', 'westeurope')],
      min: 1,
      ok: true,
    },
    {
      name: 'the last stamp in rotation',
      members: [member('weu-001', 'westeurope'), member('eus-001', 'eastus')],
      min: 1,
      ok: false,
    },
    {
      name: 'the others are isolated',
      members: [member('weu-001', 'westeurope'), member('weu-002', 'westeurope', { traffic: 'isolated' })],
      min: 1,
      ok: false,
    },
    {
      name: 'the others are still registering',
      members: [
        member('weu-001', 'westeurope'),
        member('weu-002', 'westeurope', { phase: 'registering', traffic: 'none' }),
      ],
      min: 1,
      ok: false,
    },
    {
      name: 'an active replacement counts',
      members: [
        member('weu-001', 'westeurope'),
        member('weu-005', 'westeurope', { replacementFor: 'weu-001' }),
      ],
      min: 1,
      ok: true,
    },
    {
      name: 'a minimum of two needs two others',
      members: [member('weu-001', 'westeurope'), member('weu-002', 'westeurope')],
      min: 2,
      ok: false,
    },
    { name: 'a minimum of zero always passes', members: [member('weu-001', 'westeurope')], min: 0, ok: true },
  ];
  for (const c of cases) {
    it(`${c.ok ? 'passes' : 'refuses'}: ${c.name}`, () => {
      const result = checkMinInRotation(
        'weu-001',
        'westeurope',
        fleet(c.members),
        policyWith({ minInRotationPerRegion: c.min }),
      );
      assert.equal(result.ok, c.ok);
      if (!result.ok) assert.equal(result.guard, 'min-in-rotation');
    });
  }
});
