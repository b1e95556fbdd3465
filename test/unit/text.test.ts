import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { forLog } from '../../shared/text/forLog';
import { jsonDepth } from '../../shared/text/jsonDepth';

describe('jsonDepth: nesting found by a scan, before any parse', () => {
  const cases: [string, number][] = [
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['"[[[[{{{{"', 0],
    ['{"a":"\\"[[["}', 1],
    ['[[],[[]]]', 3],
    [`${'['.repeat(5000)}${']'.repeat(5000)}`, 5000],
  ];
  for (const [text, depth] of cases) {
    it(`${text.slice(0, 24)} → ${depth}`, () => assert.equal(jsonDepth(text), depth));
  }

  it('agrees with a recursive walk of any parsed JSON value', () => {
    const depthOf = (v: unknown): number =>
      typeof v === 'object' && v !== null
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        assert.equal(jsonDepth(JSON.stringify(value)), depthOf(value));
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});

describe('forLog: one value, one line', () => {
  it('escapes newlines, NUL, ANSI escapes, line separators and bidi overrides', () => {
    assert.equal(forLog('a\nb\r\tc'), 'a\\nb\\r\\tc');
    assert.equal(forLog('\u0000\u001b[31m'), '\\u0000\\u001b[31m');
    assert.equal(forLog('x\u2028y\u202ez'), 'x\\u2028y\\u202ez');
  });

  it('cuts long values and says how much was cut', () => {
    assert.equal(forLog('abcdef', 3), 'abc…(+3 chars)');
  });

  it('never leaves a control or separator character, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.doesNotMatch(
          forLog(text, 10_000),
          // eslint-disable-next-line no-control-regex -- the characters under test
          /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
        );
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});
