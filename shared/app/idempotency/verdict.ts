import type { IdempotencyRecord } from '../../ports/idempotencyStore';

/**
 * What a request carrying an `Idempotency-Key` meets, after draft-ietf-httpapi-idempotency-key-header
 * (https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/, "Error Scenarios"):
 * - `run`: the key is new (or expired): claim it and do the work;
 * - `take-over`: a request with this key started but never answered and its lease ran out (its
 *   host died): claim it again and do the work;
 * - `replay`: the same request was answered: answer the same again, doing nothing;
 * - `mismatch`: the key was used for another request: 422;
 * - `in-flight`: the same request is still running: 409, try again shortly.
 */
export type IdempotencyVerdict = 'run' | 'take-over' | 'replay' | 'mismatch' | 'in-flight';

/**
 * `now` is the control plane's clock (retention is its time); `wallNow` the real time, which the
 * lease is measured in: it is about a request running in a process, and a simulated clock can
 * jump hours while one runs (`/sim/clock/advance`). On Azure the two are the same clock.
 */
export function idempotencyVerdict(
  existing: IdempotencyRecord | undefined,
  fingerprint: string,
  now: Date,
  wallNow: number = now.getTime(),
): IdempotencyVerdict {
  if (existing === undefined || Date.parse(existing.expiresAt) <= now.getTime()) return 'run';
  if (existing.fingerprint !== fingerprint) return 'mismatch';
  if (existing.answer !== undefined) return 'replay';
  return Date.parse(existing.leaseUntil) <= wallNow ? 'take-over' : 'in-flight';
}
