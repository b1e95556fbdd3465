import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  type CapacitySignal,
  decideScaling,
  type FleetMember,
  type ScaleHistory,
  type ScalePlan,
} from '../../../shared/lifecycle';
import { at, fleet, member, policyWith } from './support/fixtures';

const high: CapacitySignal = { kind: 'CapacityHigh', stampId: 'weu-001', region: 'westeurope' };
const low: CapacitySignal = { kind: 'CapacityLow', stampId: 'weu-001', region: 'westeurope' };
const two = [member('weu-001', 'westeurope'), member('weu-002', 'westeurope')];

interface ScaleCase {
  readonly name: string;
  readonly signal: CapacitySignal;
  readonly members: FleetMember[];
  readonly history?: ScaleHistory;
  readonly desired?: number;
  readonly expect: ScalePlan['kind'];
  /** The new desired count, or a pattern the hold's reason matches. */
  readonly detail?: RegExp | number;
}

const CASES: readonly ScaleCase[] = [
  {
    name: 'capacity high raises the desired count by one',
    signal: high,
    members: two,
    desired: 2,
    expect: 'set-desired',
    detail: 3,
  },
  {
    name: 'capacity high within the cooldown holds',
    signal: high,
    members: two,
    desired: 2,
    history: { lastScaleOutAt: at(-5) },
    expect: 'hold',
    detail: /scaled out recently; next scale-out after 2026-01-01T00:10:00.000Z/,
  },
  {
    name: 'capacity high after the cooldown raises it',
    signal: high,
    members: two,
    desired: 2,
    history: { lastScaleOutAt: at(-15) },
    expect: 'set-desired',
    detail: 3,
  },
  {
    name: 'capacity high while a stamp is being built holds (no pile-up)',
    signal: high,
    members: [...two, member('weu-003', 'westeurope', { phase: 'provisioning', traffic: 'none' })],
    desired: 3,
    expect: 'hold',
    detail: /weu-003 on the way/,
  },
  {
    name: 'capacity high at the region maximum holds',
    signal: high,
    members: ['001', '002', '003', '004'].map((n) => member(`weu-${n}`, 'westeurope')),
    desired: 4,
    expect: 'hold',
    detail: /already desires 4, its maximum/,
  },
  {
    name: 'capacity low lowers the desired count by one (the reconciler picks the stamp)',
    signal: low,
    members: two,
    desired: 2,
    expect: 'set-desired',
    detail: 1,
  },
  {
    name: 'capacity low never goes below the minimum in rotation',
    signal: low,
    members: [member('weu-001', 'westeurope')],
    desired: 1,
    expect: 'hold',
    detail: /already desires 1, the minimum/,
  },
  {
    name: 'capacity low within the cooldown holds',
    signal: low,
    members: two,
    desired: 2,
    history: { lastScaleInAt: at(-1) },
    expect: 'hold',
    detail: /scaled in recently/,
  },
  {
    name: 'a signal for a region the policy does not have holds',
    signal: { ...high, region: 'mars' },
    members: two,
    desired: 2,
    expect: 'hold',
    detail: /not a configured region/,
  },
];

describe('decideScaling: capacity alerts change the desired count', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const plan = decideScaling(
        c.signal,
        fleet(c.members),
        policyWith(),
        at(0),
        c.history ?? {},
        c.desired ?? 2,
      );
      assert.equal(plan.kind, c.expect, JSON.stringify(plan));
      if (plan.kind === 'set-desired') {
        assert.equal(plan.desired, c.detail);
        assert.equal(plan.direction, c.signal.kind === 'CapacityHigh' ? 'out' : 'in');
      } else if (c.detail instanceof RegExp) assert.match(plan.reason, c.detail);
    });
  }
});
