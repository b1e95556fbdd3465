import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  assessHealthFailure,
  countsByRegion,
  DEFAULT_POLICY,
  type FleetMember,
  guardViewOf,
  type HealthAssessment,
  PHASES,
  TRAFFIC_STATES,
} from '../../../shared/lifecycle';

/**
 * The blast-radius guard as first written, over every member of the fleet: the reference the
 * counts-based guard must agree with, whatever the fleet.
 */
function referenceAssessment(
  failing: FleetMember,
  all: readonly FleetMember[],
  maxPercent: number,
): HealthAssessment['kind'] {
  const members = [...all.filter((m) => m.id !== failing.id), { ...failing, probe: 'failing' as const }];
  const base = members.filter(
    (m) =>
      m.phase === 'active' &&
      (m.traffic === 'in-rotation' || (m.traffic === 'isolated' && m.probe === 'failing')),
  );
  const failingMembers = base.filter((m) => m.probe === 'failing');
  const failingRegions = new Set(failingMembers.map((m) => m.region));
  if (failingRegions.size === 1) {
    const regionBase = base.filter((m) => m.region === failing.region);
    const healthyElsewhere = base.some(
      (m) => m.region !== failing.region && m.traffic === 'in-rotation' && m.probe === 'healthy',
    );
    if (regionBase.length >= 2 && regionBase.every((m) => m.probe === 'failing') && healthyElsewhere)
      return 'region-outage';
  }
  return (failingMembers.length * 100) / base.length > maxPercent ? 'blast-radius' : 'stamp-failure';
}

const REGIONS = ['westeurope', 'eastus', 'southeastasia', 'japaneast'];

const memberArb = fc.record({
  region: fc.constantFrom(...REGIONS),
  // Mostly active: the guard only counts active stamps, so the interesting fleets have many.
  phase: fc.oneof(
    { weight: 4, arbitrary: fc.constant('active' as const) },
    { weight: 1, arbitrary: fc.constantFrom(...PHASES) },
  ),
  traffic: fc.constantFrom(...TRAFFIC_STATES),
  probe: fc.constantFrom('healthy' as const, 'failing' as const),
});

const fleetArb = fc
  .array(memberArb, { minLength: 1, maxLength: 40 })
  .map((list) => list.map((m, i): FleetMember => ({ id: `s-${String(i).padStart(3, '0')}`, ...m })));

describe('the guards see a region in full and the rest as counts', () => {
  it('the counts-based blast-radius guard agrees with the reference over every member, for any fleet', () => {
    fc.assert(
      fc.property(fleetArb, fc.nat(), fc.integer({ min: 0, max: 100 }), (all, pick, maxUnhealthyPercent) => {
        const failing = all[pick % all.length];
        if (failing === undefined) return;
        const policy = { ...DEFAULT_POLICY, maxUnhealthyPercent };
        const expected = referenceAssessment(failing, all, maxUnhealthyPercent);
        assert.equal(
          assessHealthFailure(failing, guardViewOf(all), policy).kind,
          expected,
          'whole-fleet view',
        );
        // As a decision reads them: its region's ledger, and every region's counts from the summary.
        const regionOnly = {
          members: all.filter((m) => m.region === failing.region),
          counts: countsByRegion(all),
        };
        assert.equal(assessHealthFailure(failing, regionOnly, policy).kind, expected, 'region and counts');
      }),
      { numRuns: 2000, seed: 19 },
    );
  });

  it("ignores the summary's own counts of the deciding region: its ledger, claimed by the decision, is the truth", () => {
    fc.assert(
      fc.property(
        fleetArb,
        fc.nat(),
        fc.nat({ max: 50 }),
        fc.nat({ max: 50 }),
        (all, pick, base, failingCount) => {
          const failing = all[pick % all.length];
          if (failing === undefined) return;
          const stale = {
            members: all.filter((m) => m.region === failing.region),
            counts: {
              ...countsByRegion(all),
              [failing.region]: { base, failing: failingCount, healthyInRotation: base },
            },
          };
          assert.equal(
            assessHealthFailure(failing, stale, DEFAULT_POLICY).kind,
            referenceAssessment(failing, all, DEFAULT_POLICY.maxUnhealthyPercent),
          );
        },
      ),
      { numRuns: 500, seed: 20 },
    );
  });
});
