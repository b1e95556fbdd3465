import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { planeForCli } from './support';

const plane = planeForCli({ env: { STAMPS_SPARES_PER_REGION: '1' } });

describe('stampctl: warm spares and the traffic ramp', () => {
  it('regions shows each pool; ls marks spares and ramps; get shows the ramp and the canary verdicts; the ramp commands are there', async () => {
    const regions = await plane.run('regions');
    assert.equal(regions.code, 0, regions.stderr);
    assert.match(regions.stdout, /^eastus\s+2\s+2\s+3\s+3\s+2\s+1\/1\s+active 3\s+-$/m);

    await plane.e2e().api('POST', '/sim/stamps/weu-001/fail');
    await plane.e2e().advance(4);
    const ls = await plane.run('ls --region westeurope');
    assert.match(ls.stdout, /^weu-004\s+westeurope\s+active\s+in-rotation \(ramp 1%\)/m);
    assert.match(
      (await plane.run('ls --region eastus')).stdout,
      /^eus-003\s+eastus\s+active\s+standby \(spare\)/m,
    );
    assert.match(
      (await plane.run('regions')).stdout,
      /^westeurope\s+3\s+3\s+4\s+5\s+3\s+0\/1 \(\+1 building\)/m,
    );

    await plane.e2e().advance(10);
    const get = await plane.run('get weu-004');
    assert.equal(get.code, 0, get.stderr);
    assert.match(
      get.stdout,
      /^ramp\s+step 2 of 4: 10% of a full weight \(origin weight 100\), canary check at /m,
    );
    assert.match(
      get.stdout,
      /active \(standby → in-rotation\), ramp starts at 1%\s+replacement by fleet-reconciler/,
    );
    assert.match(get.stdout, /ramp 1% → 10%; canary within: 5xx 0\.2%/);

    const pause = await plane.run('pause-ramp weu-004 --reason', 'watching');
    assert.equal(pause.code, 0, pause.stderr);
    assert.match((await plane.run('get weu-004')).stdout, /paused by local-admin: watching/);
  });
});
