import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PHASES } from '../../../shared/lifecycle';
import { resumeEffects } from '../../../shared/lifecycle/newStamp';
import { stampIn } from './support/fixtures';

describe('resumeEffects: what a restarted orchestration runs first', () => {
  it('a provisioning stamp starts its deployment again, under the same deterministic name', () => {
    const stamp = stampIn('provisioning', { generation: 2, deployment: { name: 'stamp-weu-001-2' } });
    assert.deepEqual(resumeEffects(stamp), [
      {
        kind: 'start-deployment',
        stampId: stamp.id,
        region: stamp.region,
        deploymentName: 'stamp-weu-001-2',
        generation: 2,
      },
    ]);
  });

  it('every other phase resumes with nothing to redo', () => {
    for (const phase of PHASES.filter((p) => p !== 'provisioning'))
      assert.deepEqual(resumeEffects(stampIn(phase)), [], phase);
  });
});
