import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkFourEyes } from '../../../shared/lifecycle/guards/fourEyes';
import type { Requester, Stamp } from '../../../shared/lifecycle/stamp';
import { stampIn } from './support/fixtures';

const T0 = '2026-06-01T00:00:00.000Z';

function retiredBy(drain: Requester | undefined, isolation: Requester | undefined): Stamp {
  const stamp = stampIn('quarantined');
  return {
    ...stamp,
    ...(drain === undefined
      ? {}
      : { drain: { id: 'drain-1', reason: 'r', startedAt: T0, endsAt: T0, requestedBy: drain } }),
    ...(isolation === undefined ? {} : { isolation: { by: 'operator', at: T0, requestedBy: isolation } }),
  };
}

describe('four eyes on a verification', () => {
  const ana = { actor: 'Ana', actorId: 'oid-ana' };
  const cases: [string, Stamp, Requester, boolean, boolean][] = [
    ['the drainer approving', retiredBy(ana, undefined), ana, true, false],
    [
      'another principal approving',
      retiredBy(ana, undefined),
      { actor: 'Bo', actorId: 'oid-bo' },
      true,
      true,
    ],
    [
      'the isolator approving after another drained it',
      retiredBy({ actor: 'Bo', actorId: 'oid-bo' }, ana),
      ana,
      true,
      false,
    ],
    // Same display name, different people: the object id decides.
    [
      'a namesake approving',
      retiredBy(ana, undefined),
      { actor: 'Ana', actorId: 'oid-other-ana' },
      true,
      true,
    ],
    // A queued command names its actor only: names are compared, case aside.
    [
      'a queued drain by name, approved by that name',
      retiredBy({ actor: 'pipeline' }, undefined),
      { actor: 'Pipeline' },
      true,
      false,
    ],
    // A queued drain names a person without an id; the signed-in approver of that name is them.
    [
      'a queued drain by name, approved by that signed-in person',
      retiredBy({ actor: 'Ana' }, undefined),
      ana,
      true,
      false,
    ],
    ['a stamp the reconciler drained (no requester)', retiredBy(undefined, undefined), ana, true, true],
    ['the drainer approving with four eyes off', retiredBy(ana, undefined), ana, false, true],
  ];
  for (const [name, stamp, approver, enabled, passes] of cases) {
    it(`${name}: ${passes ? 'passes' : 'refused'}`, () => {
      const result = checkFourEyes(stamp, approver, enabled);
      assert.equal(result.ok, passes);
      if (!result.ok) {
        assert.equal(result.guard, 'four-eyes');
        assert.match(result.reason, /cannot also approve its verification \(four eyes\)/);
      }
    });
  }
});
