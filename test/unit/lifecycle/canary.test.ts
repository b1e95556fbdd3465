import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  type CanaryComparison,
  DEFAULT_RAMP,
  judgeCanary,
  poolSamples,
  rampAt,
  startRamp,
  weightOf,
} from '../../../shared/lifecycle';
import { T0 } from './support/fixtures';

/** The canary check's judgement and the ramp's steps, pure. */

const PEERS = { stampIds: ['weu-001', 'weu-002'], requests: 10_000, errorPercent: 0.5, latencyMs: 100 };
/** `peers` null: the region has none in rotation. */
const compare = (
  stamp: CanaryComparison['stamp'],
  peers: NonNullable<CanaryComparison['peers']> | null = PEERS,
): CanaryComparison => ({ from: T0, to: T0, stamp, ...(peers === null ? {} : { peers }) });

/** [what, the canary's requests, 5xx %, latency ms, the verdict, the peers when not PEERS]. */
type Row = [string, number, number, number, string, (NonNullable<CanaryComparison['peers']> | null)?];
// prettier-ignore
const rows: Row[] = [
  ['as good as its peers', 100, 0.5, 100, 'within'],
  ['2 points more 5xx: still within (the limit is "more than")', 100, 2.5, 100, 'within'],
  ['more than 2 points more 5xx', 100, 2.6, 100, 'worse'],
  ['1.5× the latency: within', 100, 0, 150, 'within'],
  ['more than 1.5× the latency', 100, 0, 151, 'worse'],
  ['too few requests on the canary', 49, 50, 900, 'too-little-traffic'],
  ['too few requests on the peers', 500, 50, 900, 'too-little-traffic', { ...PEERS, requests: 10 }],
  ['no peers in rotation', 500, 50, 900, 'no-peers', null],
  ['peers without a latency reading: latency is not compared', 100, 0, 900, 'within', { ...PEERS, latencyMs: 0 }],
  ['a canary without a latency reading, its 5xx still compared', 100, 9, 0, 'worse'],
];
const cases = rows.map(([name, requests, errorPercent, latencyMs, verdict, peers]) => ({
  name,
  comparison: compare({ requests, errorPercent, latencyMs }, peers === undefined ? PEERS : peers),
  verdict,
}));

describe('judgeCanary', () => {
  for (const c of cases)
    it(`${c.name}: ${c.verdict}`, () => {
      const judged = judgeCanary(c.comparison, DEFAULT_RAMP);
      assert.equal(judged.verdict, c.verdict, judged.reason);
      assert.ok(judged.reason.length > 0);
      assert.deepEqual(judged.stamp, c.comparison.stamp, 'the comparison is kept with its verdict');
    });

  it('is monotone: a canary worse than one judged worse is judged worse too', () => {
    const sample = fc.record({
      requests: fc.integer({ min: 50, max: 10_000 }),
      errorPercent: fc.double({ min: 0, max: 100, noNaN: true }),
      latencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
    });
    fc.assert(
      fc.property(
        sample,
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (s, moreErrors, moreLatency) => {
          if (judgeCanary(compare(s), DEFAULT_RAMP).verdict !== 'worse') return;
          const worse = {
            ...s,
            errorPercent: Math.min(100, s.errorPercent + moreErrors),
            latencyMs: s.latencyMs + moreLatency,
          };
          assert.equal(judgeCanary(compare(worse), DEFAULT_RAMP).verdict, 'worse');
        },
      ),
      { numRuns: 400, seed: 1703 },
    );
  });

  it('pools the peers weighted by their requests', () => {
    assert.deepEqual(
      poolSamples([
        { requests: 300, errorPercent: 1, latencyMs: 100 },
        { requests: 100, errorPercent: 5, latencyMs: 200 },
      ]),
      { requests: 400, errorPercent: 2, latencyMs: 125 },
    );
    assert.deepEqual(poolSamples([]), { requests: 0, errorPercent: 0, latencyMs: 0 });
    assert.deepEqual(
      poolSamples([
        { requests: 300, errorPercent: 1, latencyMs: 100 },
        { requests: 900, errorPercent: 1, latencyMs: 0 },
      ]).latencyMs,
      100,
      'a peer without a latency reading does not pull the latency to 0',
    );
  });
});

describe('the ramp steps', () => {
  it('are the policy percentages of a full weight of 1000, never 0, and end before 100%', () => {
    assert.deepEqual([1, 10, 50, 100, 0.01].map(weightOf), [10, 100, 500, 1000, 1]);
    assert.deepEqual(startRamp(DEFAULT_RAMP, T0), {
      step: 0,
      percent: 1,
      weight: 10,
      stepSince: T0,
      lowTrafficBakes: 0,
    });
    assert.equal(rampAt(DEFAULT_RAMP, 2, T0)?.weight, 500);
    assert.equal(rampAt(DEFAULT_RAMP, 3, T0), undefined, 'the 100% step is the end of the ramp');
    assert.equal(startRamp({ ...DEFAULT_RAMP, stepsPercent: [100] }, T0), undefined, 'no ramp');
  });
});
