import { createHash } from 'node:crypto';

import {
  IDEMPOTENCY_RETENTION_HOURS,
  type IdempotentOutcome,
  type KeyedRequest,
} from '../app/idempotency/answerOnce';
import type { SavedAnswer } from '../ports/idempotencyStore';
import { canonicalJson } from '../text/canonicalJson';

/** The draft leaves the length to servers; 255 is what the APIs that use the header allow. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type KeyHeader =
  | { readonly kind: 'absent' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'invalid'; readonly detail: string };

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/**
 * Reads `Idempotency-Key`. The draft defines it as a Structured Field string (`"8e03978e-…"`,
 * RFC 8941 §3.3.3); callers also send it bare (`xyz-1`), which is taken as the same key.
 */
export function readIdempotencyKey(header: string | null | undefined): KeyHeader {
  if (header === null || header === undefined) return { kind: 'absent' };
  const text = header.trim();
  const quoted = SF_STRING.exec(text);
  const key = quoted !== null ? (quoted[1] ?? '').replace(/\\(["\\])/g, '$1') : text;
  if (key.length === 0)
    return {
      kind: 'invalid',
      detail: 'the Idempotency-Key header is empty; send a unique key such as a UUID',
    };
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    return {
      kind: 'invalid',
      detail: `the Idempotency-Key is ${key.length} characters; the limit is ${MAX_IDEMPOTENCY_KEY_LENGTH}`,
    };
  if (quoted === null && !VISIBLE_ASCII.test(key))
    return {
      kind: 'invalid',
      detail: 'the Idempotency-Key must be printable ASCII without spaces, or a quoted string',
    };
  return { kind: 'key', key };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The key as stored: the caller's identity and key hashed together, so keys never collide across callers. */
export function scopedKey(caller: string, key: string): string {
  return sha256(JSON.stringify([caller, key]));
}

/**
 * What "the same request" means: method, path, query and body, the body compared as JSON (members
 * in any order, any white space) when it is JSON.
 */
export function requestFingerprint(request: {
  readonly method: string;
  readonly path: string;
  readonly query: Iterable<readonly [string, string]>;
  readonly body: string;
}): string {
  const query = [...request.query].map(([name, value]) => [name, value]).sort(compareEntries);
  return sha256(
    JSON.stringify([request.method.toUpperCase(), request.path, query, canonicalBody(request.body)]),
  );
}

function canonicalBody(body: string): string {
  const text = body.trim();
  if (text === '') return '{}';
  try {
    return canonicalJson(JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

function compareEntries(a: readonly string[], b: readonly string[]): number {
  const x = a.join('\u0000');
  const y = b.join('\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Set on an answer that is the saved first answer to an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** The scoped key and fingerprint of a request that carries `key`. */
export function keyedRequest(
  caller: string,
  key: string,
  request: Parameters<typeof requestFingerprint>[0],
): KeyedRequest {
  return { key: scopedKey(caller, key), fingerprint: requestFingerprint(request) };
}

/** What a keyed request gets back: an answer (fresh or replayed), or a refusal to send as a problem. */
export type KeyedReply =
  | { readonly kind: 'answer'; readonly answer: SavedAnswer }
  | {
      readonly kind: 'problem';
      readonly status: 409 | 422;
      readonly detail: string;
      readonly retryAfterSeconds?: number;
    };

export function keyedReply(outcome: IdempotentOutcome, key: string): KeyedReply {
  switch (outcome.kind) {
    case 'answered':
      return { kind: 'answer', answer: outcome.answer };
    case 'replayed':
      return {
        kind: 'answer',
        answer: { ...outcome.answer, headers: { ...outcome.answer.headers, [REPLAYED_HEADER]: 'true' } },
      };
    case 'mismatch':
      return { kind: 'problem', status: 422, detail: keyReusedDetail(key) };
    case 'in-flight':
      return {
        kind: 'problem',
        status: 409,
        detail: keyInFlightDetail(key, outcome.retryAfterSeconds),
        retryAfterSeconds: outcome.retryAfterSeconds,
      };
  }
}

/** The 422 of a key used again for another request. */
function keyReusedDetail(key: string): string {
  return `the Idempotency-Key '${key}' was already used for a different request in the last ${IDEMPOTENCY_RETENTION_HOURS} hours; send a new key for a new request`;
}

/** The 409 of a retry that arrives while the first request with its key is still running. */
function keyInFlightDetail(key: string, seconds: number): string {
  return `a request with the Idempotency-Key '${key}' is still being processed; retry it in ${seconds} seconds to get its answer`;
}
