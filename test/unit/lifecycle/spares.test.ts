import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  DEFAULT_POLICY,
  effectiveDesired,
  type FleetMember,
  holdsCapacity,
  type LifecyclePolicy,
  planFleet,
  serves,
} from '../../../shared/lifecycle';
import { at, member, T0 } from './support/fixtures';
import { applied, type PlanCase, planCases } from './support/plans';

/** Warm spares in the fleet reconciler's plan: promotion, the pool's refill and its refresh. */

const policy: LifecyclePolicy = { ...DEFAULT_POLICY, spares: { perRegion: 1, maxAgeHours: 24 } };
const DESIRED = { westeurope: 3, eastus: 2, southeastasia: 2 };
const spare = (id: string, region: string, since = T0): FleetMember =>
  member(id, region, { traffic: 'standby', spareSince: since });

/** Each region at its desired count with one ready spare (weu-004, eus-003, sea-003). */
function pooled(): FleetMember[] {
  return [
    ...['weu-001', 'weu-002', 'weu-003'].map((id) => member(id, 'westeurope')),
    spare('weu-004', 'westeurope'),
    ...['eus-001', 'eus-002'].map((id) => member(id, 'eastus')),
    spare('eus-003', 'eastus'),
    ...['sea-001', 'sea-002'].map((id) => member(id, 'southeastasia')),
    spare('sea-003', 'southeastasia'),
  ];
}

const change = (members: FleetMember[], changes: Record<string, Partial<FleetMember>>): FleetMember[] =>
  members.map((m) => ({ ...m, ...changes[m.id] }));
const isolated: Partial<FleetMember> = { traffic: 'isolated', probe: 'failing' };

const cases: PlanCase[] = [
  {
    name: 'a pool that is full: nothing to do',
    input: { desired: DESIRED, members: pooled(), now: at(60) },
    expect: [],
  },
  {
    name: 'an empty pool is filled, one spare per region',
    input: { desired: DESIRED, members: pooled().filter((m) => m.spareSince === undefined), now: at(60) },
    expect: ['place spare westeurope', 'place spare eastus', 'place spare southeastasia'],
  },
  {
    name: 'a failed stamp: the spare is promoted instead of a stamp built, and the pool refilled behind it',
    input: { desired: DESIRED, members: change(pooled(), { 'weu-002': isolated }), now: at(60) },
    expect: ['promote weu-004', 'place spare westeurope'],
  },
  {
    name: 'a spare being built counts for the pool; a stamp short is built when no spare is ready',
    input: {
      desired: DESIRED,
      members: change(pooled(), {
        'weu-002': isolated,
        'weu-004': { phase: 'provisioning', traffic: 'none' },
      }),
      now: at(60),
    },
    expect: ['place westeurope'],
  },
  {
    name: 'a failing spare is not promoted: a stamp is built',
    input: {
      desired: DESIRED,
      members: change(pooled(), { 'weu-002': isolated, 'weu-004': { probe: 'failing' } }),
      now: at(60),
    },
    // It is retired instead; its replacement waits for the slot the failed stamp holds.
    expect: ['place westeurope', 'hold westeurope', 'retire weu-004'],
  },
  {
    name: 'a spare whose promotion is queued serves: no second spare is promoted, nothing placed, nothing retired',
    input: {
      desired: DESIRED,
      members: [
        ...change(pooled(), { 'weu-002': isolated, 'weu-004': { promotingSince: at(59) } }),
        spare('weu-005', 'westeurope', at(30)),
      ],
      now: at(60),
    },
    expect: [],
  },
  {
    name: 'a spare whose probe fails is replaced',
    input: { desired: DESIRED, members: change(pooled(), { 'eus-003': { probe: 'failing' } }), now: at(60) },
    expect: ['place spare eastus', 'retire eus-003'],
  },
  {
    name: 'not while too much of the fleet fails at once (the probes are suspect)',
    input: {
      desired: DESIRED,
      members: change(
        pooled(),
        Object.fromEntries(
          ['eus-003', 'weu-001', 'weu-002', 'eus-001'].map((id) => [id, { probe: 'failing' }]),
        ),
      ),
      now: at(60),
    },
    // Kept, and no second spare above the max beside it.
    expect: ['hold *', 'hold eastus'],
  },
  {
    name: 'a region that is out: a spare elsewhere covers it before a stamp is built there',
    input: {
      desired: DESIRED,
      members: change(pooled(), { 'sea-001': isolated, 'sea-002': isolated }),
      unavailable: { southeastasia: { reason: 'southeastasia is out' } },
      now: at(60),
    },
    // westeurope's surge slot goes to the stamp built for southeastasia: its refill waits.
    expect: ['promote weu-004 for southeastasia', 'place westeurope for southeastasia', 'hold westeurope'],
  },
  {
    name: 'a spare past its age is refreshed: a fresh one is placed first',
    input: { desired: DESIRED, members: pooled(), now: at(24 * 60) },
    expect: ['place spare westeurope', 'place spare eastus', 'place spare southeastasia'],
  },
  {
    name: 'the old spare is retired once the fresh one is ready',
    input: {
      desired: { westeurope: 3, eastus: 2, southeastasia: 2 },
      members: [...pooled(), spare('weu-005', 'westeurope', at(23 * 60))],
      now: at(24 * 60),
    },
    expect: ['retire weu-004', 'place spare eastus', 'place spare southeastasia'],
  },
  {
    name: 'a region desired at its max keeps no spare: the surge is for stamps on their way out',
    input: {
      desired: { ...DESIRED, eastus: 3 },
      members: change(pooled(), { 'eus-003': { spareSince: undefined, traffic: 'in-rotation' } }),
      now: at(60),
    },
    expect: ['hold eastus'],
  },
  {
    name: 'a surplus of serving stamps never retires a spare',
    input: { desired: { westeurope: 2, eastus: 2, southeastasia: 2 }, members: pooled(), now: at(60) },
    expect: ['retire weu-003'],
  },
];

describe('planFleet: warm spares', () => {
  planCases(cases, policy);

  it('counts spares in the tally, not in the serving count', () => {
    const plan = planFleet({ desired: DESIRED, members: pooled() }, policy);
    const weu = plan.tallies.find((t) => t.region === 'westeurope');
    assert.deepEqual(
      { serving: weu?.serving, holding: weu?.holding, spares: weu?.spares },
      { serving: 3, holding: 4, spares: { ready: 1, building: 0 } },
    );
  });

  it("leaves room for the spares in a region's default desired count", () => {
    assert.equal(effectiveDesired(policy, 'westeurope', undefined), 3);
    assert.equal(effectiveDesired(DEFAULT_POLICY, 'westeurope', undefined), 4);
    assert.equal(effectiveDesired(policy, 'westeurope', 4), 4, 'a stored count wins');
  });
});

// --- properties -------------------------------------------------------------------------------

const REGIONS = policy.regions.map((r) => r.name);
const memberArb = fc.record({
  region: fc.constantFrom(...REGIONS),
  kind: fc.constantFrom(
    'serving',
    'isolated',
    'draining',
    'building',
    'spare',
    'spare-building',
    'old-spare',
  ),
});
const inputArb = fc.record({
  members: fc.array(memberArb, { maxLength: 14 }).map((list) =>
    list.map(({ region, kind }, i): FleetMember => {
      const id = `${policy.regions.find((r) => r.name === region)?.code ?? 'x'}-${String(i + 1).padStart(3, '0')}`;
      switch (kind) {
        case 'serving':
          return member(id, region);
        case 'isolated':
          return member(id, region, isolated);
        case 'draining':
          return member(id, region, { phase: 'draining', traffic: 'none' });
        case 'building':
          return member(id, region, { phase: 'provisioning', traffic: 'none' });
        case 'spare':
          return spare(id, region, at(10 * 60));
        case 'spare-building':
          return member(id, region, { phase: 'registering', traffic: 'none', spareSince: at(11 * 60) });
        case 'old-spare':
          return spare(id, region, T0);
      }
    }),
  ),
  desired: fc.record({
    westeurope: fc.integer({ min: 1, max: 3 }),
    eastus: fc.integer({ min: 1, max: 2 }),
    southeastasia: fc.integer({ min: 1, max: 2 }),
  }),
  out: fc.subarray(REGIONS, { maxLength: 1 }),
});

describe('planFleet: warm spares, properties', () => {
  it('promotes only ready spares, once each, never in a region that is out; retires a spare only for the pool; keeps the limits', () => {
    fc.assert(
      fc.property(inputArb, ({ members, desired, out }) => {
        const unavailable = Object.fromEntries(out.map((r) => [r, { reason: `${r} is out` }]));
        const plan = planFleet({ members, desired, unavailable, now: at(24 * 60) }, policy);
        const byId = new Map(members.map((m) => [m.id, m]));
        const promoted = plan.actions.filter((a) => a.kind === 'promote').map((a) => a.stampId);
        assert.equal(new Set(promoted).size, promoted.length, 'each spare promoted once');
        for (const id of promoted) {
          const m = byId.get(id);
          assert.ok(
            m?.spareSince !== undefined && m.traffic === 'standby' && m.probe === 'healthy',
            `${id} is a ready spare`,
          );
          assert.ok(!out.includes(m.region), `${id} is not in a region that is out`);
        }
        for (const a of plan.actions)
          if (a.kind === 'retire' && byId.get(a.stampId)?.spareSince !== undefined)
            assert.match(
              a.reason,
              /spare/,
              `${a.stampId} is retired for the pool, not as a surplus of serving stamps`,
            );
        const after = applied(members, plan.actions);
        const holding = (list: readonly FleetMember[], region: string): number =>
          list.filter((m) => m.region === region && holdsCapacity(m.phase)).length;
        for (const region of policy.regions) {
          const placed = plan.actions.filter((a) => a.kind === 'place' && a.region === region.name).length;
          if (placed > 0)
            assert.ok(holding(after, region.name) <= region.max + policy.replacementSurgePerRegion);
          if (out.includes(region.name)) assert.equal(placed, 0);
        }
      }),
      { numRuns: 500, seed: 1701 },
    );
  });

  it('converges: repeated plans reach every desired count and a full pool of fresh spares', () => {
    fc.assert(
      fc.property(inputArb, ({ members, desired }) => {
        let fleet = members.filter((m) => m.probe === 'healthy' && m.phase !== 'draining');
        for (let round = 0; round < 8; round += 1) {
          const plan = planFleet({ members: fleet, desired, now: at(24 * 60) }, policy);
          fleet = applied(fleet, plan.actions)
            .filter((m) => m.phase !== 'draining')
            .map((m) =>
              m.phase === 'provisioning' || m.phase === 'registering'
                ? { ...m, phase: 'active', traffic: m.spareSince === undefined ? 'in-rotation' : 'standby' }
                : m,
            );
        }
        for (const region of policy.regions) {
          const here = fleet.filter((m) => m.region === region.name);
          assert.equal(
            here.filter(serves).length,
            desired[region.name as keyof typeof desired],
            JSON.stringify(here),
          );
          assert.equal(
            here.filter((m) => m.spareSince !== undefined).length,
            policy.spares.perRegion,
            `${region.name} keeps its spare: ${JSON.stringify(here)}`,
          );
        }
      }),
      { numRuns: 300, seed: 1702 },
    );
  });
});
