import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Condition, stampConditions } from '../../../shared/lifecycle';
import { at, stampIn } from './support/fixtures';

type Expected = Partial<Record<Condition['type'], [Condition['status'], string]>>;

const CASES: {
  name: string;
  stamp: ReturnType<typeof stampIn>;
  now?: string;
  expect: Expected;
  absent?: Condition['type'][];
}[] = [
  {
    name: 'an active stamp in rotation serves, is healthy and deployed',
    stamp: stampIn('active'),
    expect: {
      Serving: ['True', 'InRotation'],
      Healthy: ['True', 'ProbesPassing'],
      Deployed: ['True', 'Succeeded'],
    },
    absent: ['Retained'],
  },
  {
    name: 'an isolated stamp with a held isolation says who holds it',
    stamp: stampIn('active', {
      traffic: 'isolated',
      isolation: { by: 'alert', at: at(2) },
      health: { probe: 'failing', observedAt: at(1), heldBy: 'blast-radius' },
    }),
    expect: { Serving: ['False', 'Isolated'], Healthy: ['False', 'ProbesFailing'] },
  },
  {
    name: 'a provisioning stamp is being deployed',
    stamp: stampIn('provisioning'),
    expect: { Serving: ['False', 'Provisioning'], Deployed: ['Unknown', 'Deploying'] },
  },
  {
    name: 'a failed deployment names its error',
    stamp: stampIn('failed'),
    expect: { Deployed: ['False', 'DeploymentFailed'] },
  },
  {
    name: 'an archived stamp within retention is retained',
    stamp: stampIn('archived'),
    now: at(60),
    expect: { Retained: ['True', 'WithinRetention'], Serving: ['False', 'Archived'] },
  },
  {
    name: 'an archived stamp past retention is due for purge',
    stamp: stampIn('archived'),
    now: at(31 * 24 * 60),
    expect: { Retained: ['False', 'PurgeDue'] },
  },
  {
    name: 'a purged stamp has nothing deployed, and nothing probes it (even if its last probe failed)',
    stamp: stampIn('purged', { health: { probe: 'failing', observedAt: at(1) } }),
    expect: { Deployed: ['False', 'Purged'], Healthy: ['Unknown', 'NotProbed'] },
  },
  {
    name: 'an archived stamp kept its volumes and records; nothing probes it',
    stamp: stampIn('archived', { health: { probe: 'failing', observedAt: at(1) } }),
    expect: { Deployed: ['True', 'WorkloadsDeleted'], Healthy: ['Unknown', 'NotProbed'] },
  },
  {
    name: 'a quarantined stamp is out of Front Door: nothing probes it',
    stamp: stampIn('quarantined'),
    expect: { Healthy: ['Unknown', 'NotProbed'], Serving: ['False', 'Quarantined'] },
  },
];

describe('stampConditions', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const conditions = stampConditions(c.stamp, c.now ?? at(1));
      for (const [type, [status, reason]] of Object.entries(c.expect) as [
        Condition['type'],
        [string, string],
      ][]) {
        const condition = conditions.find((x) => x.type === type);
        assert.ok(condition, `${type} present`);
        assert.equal(condition.status, status, `${type}.status`);
        assert.equal(condition.reason, reason, `${type}.reason`);
        assert.ok(condition.message.length > 0);
      }
      for (const type of c.absent ?? [])
        assert.equal(
          conditions.find((x) => x.type === type),
          undefined,
        );
    });
  }
});
