import assert from 'node:assert/strict';
import { it } from 'node:test';

import {
  type FleetAction,
  type FleetMember,
  type FleetPlanInput,
  type LifecyclePolicy,
  planFleet,
} from '../../../../shared/lifecycle';

/** A plan's actions in a line each: `place [spare ]region[ for other]`, `promote id`, `retire id`, `hold region`. */
export function summary(actions: readonly FleetAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'place':
        return `place ${a.spare ? 'spare ' : ''}${a.region}${a.coversFor === a.region ? '' : ` for ${a.coversFor}`}`;
      case 'promote':
        return `promote ${a.stampId}${a.coversFor === a.region ? '' : ` for ${a.coversFor}`}`;
      case 'retire':
        return `retire ${a.stampId}`;
      case 'hold':
        return `hold ${a.region}`;
    }
  });
}

export interface PlanCase {
  readonly name: string;
  readonly input: FleetPlanInput;
  readonly expect: string[];
}

/** One test per case: the plan's summary is the expected one, and every action says why. */
export function planCases(cases: readonly PlanCase[], policy: LifecyclePolicy): void {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planFleet(c.input, policy);
      assert.deepEqual(summary(plan.actions), c.expect, JSON.stringify(plan.actions, null, 1));
      for (const action of plan.actions) assert.ok(action.reason.length > 0, 'every action says why');
    });
  }
}

/**
 * A plan applied as the reconciler would at once: placed stamps provisioning (a spare with
 * `spareSince`), promoted spares in rotation, retired stamps draining.
 */
export function applied(
  members: readonly FleetMember[],
  actions: readonly FleetAction[],
  spareSince = '2026-01-02T01:00:00.000Z',
): FleetMember[] {
  let next = [...members];
  let n = 900;
  for (const a of actions) {
    if (a.kind === 'place')
      next.push({
        id: `new-${n++}`,
        region: a.region,
        phase: 'provisioning',
        traffic: 'none',
        probe: 'healthy',
        ...(a.spare ? { spareSince } : {}),
      });
    if (a.kind === 'promote')
      next = next.map((m) => {
        if (m.id !== a.stampId) return m;
        const { spareSince: _promoted, ...rest } = m;
        return { ...rest, traffic: 'in-rotation' };
      });
    if (a.kind === 'retire')
      next = next.map((m) => (m.id === a.stampId ? { ...m, phase: 'draining', traffic: 'none' } : m));
  }
  return next;
}
