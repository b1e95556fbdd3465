import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { STAMP_NODE_POOLS, stampComputeNeeds, stampsAllowed } from '../../shared/azure/computeQuota';
import { repoRoot } from './support';

/** The stamp template's AKS node pools as written in infra/stamp/main.bicep (initial counts). */
function templateNodePools(): { vmSize: string; count: number }[] {
  const bicep = readFileSync(join(repoRoot, 'infra/stamp/main.bicep'), 'utf8');
  const start = bicep.indexOf('agentPools: [');
  assert.ok(start >= 0, 'the stamp template declares agentPools');
  const block = bicep.slice(start, bicep.indexOf('\n    ]', start));
  const pools: { vmSize: string; count: number }[] = [];
  for (const match of block.matchAll(/vmSize: '([^']+)'\s+count: (\d+)/g))
    pools.push({ vmSize: match[1] ?? '', count: Number(match[2]) });
  return pools;
}

describe('compute quota: what one stamp needs', () => {
  it("the node pools the quota counts are the stamp template's", () => {
    assert.deepEqual(templateNodePools(), STAMP_NODE_POOLS);
  });

  it('a stamp needs 36 vCPUs of the regional cores and of the DSv3 family', () => {
    assert.deepEqual(stampComputeNeeds(), { cores: 36, standardDSv3Family: 36 });
  });

  it('counts the stamps that fit every quota; a missing quota is unknown', () => {
    const needs = { cores: 36, standardDSv3Family: 36 };
    const usages = (cores: number, family: number) => [
      { name: 'cores', currentValue: 0, limit: cores },
      { name: 'standardDSv3Family', currentValue: 0, limit: family },
    ];
    assert.equal(stampsAllowed(usages(1000, 1000), needs), 27);
    assert.equal(stampsAllowed(usages(72, 1000), needs), 2);
    assert.equal(stampsAllowed(usages(1000, 35), needs), 0);
    assert.equal(
      stampsAllowed([{ name: 'cores', currentValue: 10, limit: 5 }], { cores: 36 }),
      0,
      'over the limit',
    );
    assert.equal(stampsAllowed([{ name: 'cores', currentValue: 0, limit: 100 }], needs), undefined);
  });
});
