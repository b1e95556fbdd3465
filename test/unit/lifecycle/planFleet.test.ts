import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  DEFAULT_POLICY,
  type FleetMember,
  holdsCapacity,
  PHASES,
  planFleet,
  serves,
} from '../../../shared/lifecycle';
import { member, seedFleet } from './support/fixtures';
import { applied, type PlanCase, planCases } from './support/plans';

/** The fleet reconciler's plan, pure: table-driven cases and properties over random fleets. */

const policy = DEFAULT_POLICY;
const SEED_DESIRED = { westeurope: 4, eastus: 3, southeastasia: 3 };

function withChanges(members: FleetMember[], changes: Record<string, Partial<FleetMember>>): FleetMember[] {
  return members.map((m) => ({ ...m, ...changes[m.id] }));
}

const isolated: Partial<FleetMember> = { traffic: 'isolated', probe: 'failing' };

const seaOut = withChanges(seedFleet(), { 'sea-001': isolated, 'sea-002': isolated, 'sea-003': isolated });

const cases: PlanCase[] = [
  {
    name: 'a fleet at its desired counts: nothing to do',
    input: { desired: SEED_DESIRED, members: seedFleet() },
    expect: [],
  },
  {
    name: 'an isolated stamp is replaced in its region, past the max by the surge',
    input: { desired: SEED_DESIRED, members: withChanges(seedFleet(), { 'weu-002': isolated }) },
    expect: ['place westeurope'],
  },
  {
    name: 'a draining stamp is replaced (it no longer serves)',
    input: {
      desired: SEED_DESIRED,
      members: withChanges(seedFleet(), { 'eus-001': { phase: 'draining', traffic: 'none' } }),
    },
    expect: ['place eastus'],
  },
  {
    name: 'a region out: its deficit goes to the others by priority, within max + surge, the rest held',
    input: {
      desired: SEED_DESIRED,
      members: seaOut,
      unavailable: { southeastasia: { reason: 'southeastasia is out (every stamp failing)' } },
    },
    expect: ['place westeurope for southeastasia', 'place eastus for southeastasia', 'hold southeastasia'],
  },
  {
    name: 'the region recovers: its stamps come home first, the cover stays until they serve',
    input: {
      desired: SEED_DESIRED,
      members: [
        ...seedFleet().filter((m) => m.region !== 'southeastasia'),
        member('weu-005', 'westeurope'),
        member('eus-004', 'eastus'),
        member('sea-004', 'southeastasia'),
      ],
    },
    expect: ['place southeastasia', 'place southeastasia', 'hold eastus', 'hold westeurope'],
  },
  {
    name: 'once home serves again, the cover is given back (lowest priority first)',
    input: {
      desired: SEED_DESIRED,
      members: [...seedFleet(), member('weu-005', 'westeurope'), member('eus-004', 'eastus')],
    },
    expect: ['retire eus-004', 'retire weu-005'],
  },
  {
    name: 'a stamp that rejoined while its replacement is built: held, the replacement is not cancelled',
    input: {
      desired: SEED_DESIRED,
      members: [...seedFleet(), member('weu-005', 'westeurope', { phase: 'provisioning', traffic: 'none' })],
    },
    expect: ['hold westeurope'],
  },
  {
    name: 'a stamp that rejoined after its replacement became active: the newest is retired',
    input: {
      desired: SEED_DESIRED,
      members: [...seedFleet(), member('weu-005', 'westeurope')],
    },
    expect: ['retire weu-005'],
  },
  {
    name: 'a failing stamp whose isolation is being decided still serves: nothing is placed yet',
    input: { desired: SEED_DESIRED, members: withChanges(seedFleet(), { 'weu-002': { probe: 'failing' } }) },
    expect: [],
  },
  {
    name: 'a failing stamp held by the minimum in rotation is replaced, so that it can be isolated',
    input: {
      desired: { ...SEED_DESIRED, eastus: 1 },
      members: withChanges(
        seedFleet().filter((m) => m.id !== 'eus-002' && m.id !== 'eus-003'),
        { 'eus-001': { probe: 'failing', heldBy: 'min-in-rotation' } },
      ),
    },
    expect: ['place eastus'],
  },
  {
    name: 'stamps isolated by a region outage mark their region out without being told',
    input: {
      desired: SEED_DESIRED,
      members: withChanges(seedFleet(), {
        'sea-001': { ...isolated, isolatedBy: 'region-outage' },
        'sea-002': { ...isolated, isolatedBy: 'region-outage' },
        'sea-003': { ...isolated, isolatedBy: 'region-outage' },
      }),
    },
    expect: ['place westeurope for southeastasia', 'place eastus for southeastasia', 'hold southeastasia'],
  },
  {
    name: 'desired lowered: the newest stamp in service is retired',
    input: { desired: { ...SEED_DESIRED, westeurope: 3 }, members: seedFleet() },
    expect: ['retire weu-004'],
  },
  {
    name: 'desired lowered below the minimum in rotation: held, never retired',
    input: {
      desired: { ...SEED_DESIRED, eastus: 0 },
      members: seedFleet().filter((m) => m.id !== 'eus-002' && m.id !== 'eus-003'),
    },
    expect: ['hold eastus'],
  },
  {
    name: 'no quota left at home: the deficit goes elsewhere, with the reason',
    input: {
      desired: SEED_DESIRED,
      members: withChanges(seedFleet(), { 'eus-003': { phase: 'failed', traffic: 'none' } }),
      quotaLeft: { eastus: 0 },
    },
    expect: ['place westeurope for eastus'],
  },
  {
    name: 'a storm (over 40% failing in rotation): failing stamps are not replaced',
    input: {
      desired: SEED_DESIRED,
      members: withChanges(seedFleet(), {
        'weu-001': { probe: 'failing' },
        'weu-002': { probe: 'failing' },
        'eus-001': { probe: 'failing' },
        'sea-001': { probe: 'failing' },
        'sea-002': { probe: 'failing' },
      }),
    },
    expect: ['hold *'],
  },
];

describe('planFleet: desired counts, reconciled', () => {
  planCases(cases, policy);
});

// --- properties -------------------------------------------------------------------------------

const REGIONS = policy.regions.map((r) => r.name);
const memberArb = fc
  .record({
    region: fc.constantFrom(...REGIONS),
    phase: fc.constantFrom(...PHASES.filter((p) => p !== 'archived' && p !== 'purged')),
    traffic: fc.constantFrom('in-rotation' as const, 'isolated' as const),
    probe: fc.constantFrom('healthy' as const, 'failing' as const),
  })
  .map((m) => ({ ...m, traffic: m.phase === 'active' ? m.traffic : ('none' as const) }));

const inputArb = fc.record({
  members: fc.array(memberArb, { maxLength: 16 }).map((list) =>
    list.map((m, i) => ({
      ...m,
      id: `${policy.regions.find((r) => r.name === m.region)?.code ?? 'x'}-${String(i + 1).padStart(3, '0')}`,
    })),
  ),
  desired: fc.record({
    westeurope: fc.integer({ min: 1, max: 4 }),
    eastus: fc.integer({ min: 1, max: 3 }),
    southeastasia: fc.integer({ min: 1, max: 3 }),
  }),
  out: fc.subarray(REGIONS, { maxLength: 2 }),
  quota: fc.option(fc.record({ westeurope: fc.nat(3), eastus: fc.nat(3), southeastasia: fc.nat(3) }), {
    nil: undefined,
  }),
});

const holding = (members: readonly FleetMember[], region?: string): number =>
  members.filter((m) => holdsCapacity(m.phase) && (region === undefined || m.region === region)).length;
const rotating = (members: readonly FleetMember[], region: string): number =>
  members.filter((m) => m.region === region && m.phase === 'active' && m.traffic === 'in-rotation').length;

describe('planFleet: properties', () => {
  it('never places in a region that is out, past max + surge, or past the total; never retires below the minimum in rotation', () => {
    fc.assert(
      fc.property(inputArb, ({ members, desired, out, quota }) => {
        const unavailable = Object.fromEntries(out.map((r) => [r, { reason: `${r} is out` }]));
        const plan = planFleet(
          { members, desired, unavailable, ...(quota === undefined ? {} : { quotaLeft: quota }) },
          policy,
        );
        const after = applied(members, plan.actions);
        const totalLimit = policy.totalMax + policy.replacementSurgePerRegion * policy.regions.length;
        if (holding(members) <= totalLimit)
          assert.ok(holding(after) <= totalLimit, 'total within max + surge');
        for (const region of policy.regions) {
          const placed = plan.actions.filter((a) => a.kind === 'place' && a.region === region.name).length;
          if (out.includes(region.name))
            assert.equal(placed, 0, `nothing placed in ${region.name}, which is out`);
          if (placed > 0)
            assert.ok(holding(after, region.name) <= region.max + policy.replacementSurgePerRegion);
          if (quota !== undefined)
            assert.ok(placed <= quota[region.name as keyof typeof quota], 'within quota');
          const retiredActive = plan.actions.filter(
            (a) =>
              a.kind === 'retire' &&
              a.region === region.name &&
              members.find((m) => m.id === a.stampId)?.phase === 'active',
          ).length;
          if (retiredActive > 0) assert.ok(rotating(after, region.name) >= policy.minInRotationPerRegion);
        }
        const retired = plan.actions.filter((a) => a.kind === 'retire').map((a) => a.stampId);
        assert.equal(new Set(retired).size, retired.length, 'each stamp retired once');
        for (const id of retired)
          assert.ok(
            serves(members.find((m) => m.id === id) ?? members[0]!),
            'only serving stamps are retired',
          );
      }),
      { numRuns: 500, seed: 1301 },
    );
  });

  it('converges: with every region up and no faults, repeated plans reach every desired count', () => {
    fc.assert(
      fc.property(inputArb, ({ members, desired }) => {
        // Stamps that fail or are on their way out finish leaving; what is built becomes active.
        let fleet: FleetMember[] = members.filter(
          (m) => m.phase === 'active' && m.traffic === 'in-rotation' && m.probe === 'healthy',
        );
        for (let round = 0; round < 6; round += 1) {
          const plan = planFleet({ members: fleet, desired }, policy);
          fleet = applied(fleet, plan.actions)
            .filter((m) => m.phase !== 'draining')
            .map((m) => (m.phase === 'provisioning' ? { ...m, phase: 'active', traffic: 'in-rotation' } : m));
        }
        for (const region of policy.regions) {
          assert.equal(
            fleet.filter((m) => m.region === region.name && serves(m)).length,
            desired[region.name as keyof typeof desired],
            `${region.name}: ${JSON.stringify(fleet)}`,
          );
        }
      }),
      { numRuns: 300, seed: 1302 },
    );
  });
});
