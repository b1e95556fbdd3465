import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { idempotencyVerdict } from '../../../shared/app/idempotency/verdict';
import { readIdempotencyKey, requestFingerprint, scopedKey } from '../../../shared/http/idempotencyKey';
import type { IdempotencyRecord } from '../../../shared/ports/idempotencyStore';
import { canonicalJson } from '../../../shared/text/canonicalJson';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function record(overrides: Partial<IdempotencyRecord>): IdempotencyRecord {
  return {
    key: 'k',
    fingerprint: 'f1',
    startedAt: at(-1),
    leaseUntil: at(4),
    expiresAt: at(24 * 60 - 1),
    ...overrides,
  };
}

const ANSWER = { status: 202, headers: { 'content-type': 'application/json' }, body: '{}' };

describe('idempotency: what a keyed request meets', () => {
  const cases: readonly [string, IdempotencyRecord | undefined, string, string][] = [
    ['a new key runs', undefined, 'f1', 'run'],
    [
      'an expired key runs again, whatever it was for',
      record({ expiresAt: at(0), fingerprint: 'f2' }),
      'f1',
      'run',
    ],
    ['the same request answered replays', record({ answer: ANSWER }), 'f1', 'replay'],
    ['another request with an answered key is a mismatch', record({ answer: ANSWER }), 'f2', 'mismatch'],
    ['another request while the first runs is a mismatch too', record({}), 'f2', 'mismatch'],
    ['the same request still running is in flight', record({}), 'f1', 'in-flight'],
    [
      'the same request past its lease without an answer is taken over',
      record({ leaseUntil: at(0) }),
      'f1',
      'take-over',
    ],
    ['an answer outlives the lease', record({ leaseUntil: at(-1), answer: ANSWER }), 'f1', 'replay'],
  ];
  for (const [name, existing, fingerprint, expected] of cases) {
    it(name, () => {
      assert.equal(idempotencyVerdict(existing, fingerprint, NOW), expected);
    });
  }
});

describe('idempotency: the Idempotency-Key header', () => {
  const cases: readonly [string | null, ReturnType<typeof readIdempotencyKey>][] = [
    [null, { kind: 'absent' }],
    ['xyz-1', { kind: 'key', key: 'xyz-1' }],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', { kind: 'key', key: '8e03978e-40d5-43e8-bc93-6894a57f9324' }],
    ['"a key with spaces and a \\" quote"', { kind: 'key', key: 'a key with spaces and a " quote' }],
    ['  xyz-1  ', { kind: 'key', key: 'xyz-1' }],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} reads as ${expected.kind}`, () => {
      assert.deepEqual(readIdempotencyKey(header), expected);
    });
  }
  for (const [header, reason] of [
    ['', /empty/],
    ['""', /empty/],
    ['two words', /printable ASCII without spaces/],
    ['x'.repeat(256), /256 characters; the limit is 255/],
  ] as const) {
    it(`${JSON.stringify(header.slice(0, 12))} is refused: ${String(reason)}`, () => {
      const read = readIdempotencyKey(header);
      assert.equal(read.kind, 'invalid');
      assert.match(read.kind === 'invalid' ? read.detail : '', reason);
    });
  }

  it('scopes a key to its caller', () => {
    assert.notEqual(scopedKey('alice', 'k1'), scopedKey('bob', 'k1'));
    assert.equal(scopedKey('alice', 'k1'), scopedKey('alice', 'k1'));
    // No concatenation ambiguity: ("a", "bc") and ("ab", "c") are different callers' keys.
    assert.notEqual(scopedKey('a', 'bc'), scopedKey('ab', 'c'));
  });
});

describe('idempotency: what "the same request" means', () => {
  const base = {
    method: 'POST',
    path: '/api/stamps',
    query: [] as [string, string][],
    body: '{"region":"westeurope","reason":"r"}',
  };

  it('the same body reordered or re-indented is the same request', () => {
    assert.equal(
      requestFingerprint(base),
      requestFingerprint({ ...base, body: '{\n  "reason": "r",\n  "region": "westeurope"\n}' }),
    );
  });
  it('an empty body is the same as {}', () => {
    assert.equal(requestFingerprint({ ...base, body: '' }), requestFingerprint({ ...base, body: ' {} ' }));
  });
  for (const [name, other] of [
    ['another value', { ...base, body: '{"region":"eastus","reason":"r"}' }],
    ['another path', { ...base, path: '/api/stamps/weu-001/drain' }],
    ['another method', { ...base, method: 'PUT' }],
    ['another query', { ...base, query: [['dryRun', 'true']] as [string, string][] }],
  ] as const) {
    it(`${name} is another request`, () => {
      assert.notEqual(requestFingerprint(base), requestFingerprint(other));
    });
  }

  it('canonical JSON: any member order of the same value serialises the same, and parses back to it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reordered = JSON.parse(
          JSON.stringify(value, (_key, member: unknown) => reverseMembers(member)),
        ) as unknown;
        assert.equal(canonicalJson(reordered), text);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

function reverseMembers(member: unknown): unknown {
  if (typeof member !== 'object' || member === null || Array.isArray(member)) return member;
  return Object.fromEntries(Object.entries(member).reverse());
}
