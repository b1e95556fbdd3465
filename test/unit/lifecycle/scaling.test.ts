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
  readonly expect: ScalePlan['kind'];
  readonly detail?: RegExp | string;
}

const CASES: readonly ScaleCase[] = [
  {
    name: 'capacity high scales out in the region',
    signal: high,
    members: two,
    expect: 'scale-out',
    detail: 'westeurope',
  },
  {
    name: 'capacity high within the cooldown holds',
    signal: high,
    members: two,
    history: { lastScaleOutAt: at(-5) },
    expect: 'hold',
    detail: /scaled out recently; next scale-out after 2026-01-01T00:10:00.000Z/,
  },
  {
    name: 'capacity high after the cooldown scales out',
    signal: high,
    members: two,
    history: { lastScaleOutAt: at(-15) },
    expect: 'scale-out',
  },
  {
    name: 'capacity high while a stamp is being built holds (no pile-up)',
    signal: high,
    members: [...two, member('weu-003', 'westeurope', { phase: 'provisioning', traffic: 'none' })],
    expect: 'hold',
    detail: /weu-003 on the way/,
  },
  {
    name: 'capacity high in a full region holds',
    signal: high,
    members: ['001', '002', '003', '004'].map((n) => member(`weu-${n}`, 'westeurope')),
    expect: 'hold',
    detail: /westeurope 4\/4/,
  },
  {
    name: 'capacity low drains the newest healthy stamp in rotation',
    signal: low,
    members: [
      member('weu-010', 'westeurope'),
      member('weu-002', 'westeurope'),
      member('weu-009', 'westeurope'),
    ],
    expect: 'scale-in',
    detail: 'weu-010',
  },
  {
    name: 'capacity low skips failing and isolated stamps',
    signal: low,
    members: [
      member('weu-001', 'westeurope'),
      member('weu-002', 'westeurope'),
      member('weu-003', 'westeurope', { probe: 'failing' }),
      member('weu-004', 'westeurope', { traffic: 'isolated' }),
    ],
    expect: 'scale-in',
    detail: 'weu-002',
  },
  {
    name: 'capacity low never goes below the minimum in rotation',
    signal: low,
    members: [member('weu-001', 'westeurope')],
    expect: 'hold',
    detail: /below the minimum/,
  },
  {
    name: 'capacity low within the cooldown holds',
    signal: low,
    members: two,
    history: { lastScaleInAt: at(-1) },
    expect: 'hold',
    detail: /scaled in recently/,
  },
  {
    name: 'capacity low with nothing healthy in rotation holds',
    signal: low,
    members: [member('weu-001', 'westeurope', { probe: 'failing' })],
    expect: 'hold',
    detail: /no healthy stamp in rotation/,
  },
];

describe('decideScaling', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const plan = decideScaling(c.signal, fleet(c.members), policyWith(), at(0), c.history ?? {});
      assert.equal(plan.kind, c.expect, JSON.stringify(plan));
      const detail =
        plan.kind === 'scale-out' ? plan.region : plan.kind === 'scale-in' ? plan.stampId : plan.reason;
      if (typeof c.detail === 'string') assert.equal(detail, c.detail);
      else if (c.detail !== undefined) assert.match(detail, c.detail);
    });
  }
});
