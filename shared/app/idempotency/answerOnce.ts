import { ConflictError } from '../../errors';
import { retryOnConflict } from '../../errors/retryOnConflict';
import type { Clock } from '../../ports/clock';
import type { IdempotencyRecord, IdempotencyStore, SavedAnswer } from '../../ports/idempotencyStore';
import { idempotencyVerdict } from './verdict';

/** How long a key is remembered: the draft asks servers to say; at least a day is what callers expect. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/**
 * How long a claimed key without an answer is taken to be running. Every mutating route answers in
 * well under a second; past this the first request's host is presumed dead and a retry runs again.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 300;

export interface IdempotencyDeps {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
}

export interface KeyedRequest {
  /** The caller's key, scoped to the caller (see `idempotencyScope`). */
  readonly key: string;
  readonly fingerprint: string;
}

interface Claimed {
  readonly kind: 'claimed';
  readonly record: IdempotencyRecord;
  readonly etag: string;
}

export type IdempotentOutcome =
  | { readonly kind: 'answered'; readonly answer: SavedAnswer }
  | { readonly kind: 'replayed'; readonly answer: SavedAnswer; readonly firstAt: string }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in-flight'; readonly retryAfterSeconds: number };

/**
 * Does `run` at most once per key: claims the key in the store, runs, saves the answer. A retry
 * with the same key and request replays the saved answer; one with another request is refused.
 * An answer that says "try again" (5xx, 429) or a run that throws is not kept: the claim is
 * released, so the retry does the work.
 */
export async function answerOnce(
  deps: IdempotencyDeps,
  request: KeyedRequest,
  run: () => Promise<SavedAnswer>,
): Promise<IdempotentOutcome> {
  const claim = await retryOnConflict(
    `claim idempotency key`,
    async (): Promise<IdempotentOutcome | Claimed> => {
      const now = deps.clock.now();
      const stored = await deps.store.find(request.key);
      const verdict = idempotencyVerdict(stored?.record, request.fingerprint, now);
      if (verdict === 'mismatch') return { kind: 'mismatch' };
      if (verdict === 'replay' && stored?.record.answer !== undefined)
        return { kind: 'replayed', answer: stored.record.answer, firstAt: stored.record.startedAt };
      if (verdict === 'in-flight') {
        const left = Date.parse(stored?.record.leaseUntil ?? '') - now.getTime();
        return { kind: 'in-flight', retryAfterSeconds: Math.max(1, Math.min(5, Math.ceil(left / 1000))) };
      }
      const record: IdempotencyRecord = {
        key: request.key,
        fingerprint: request.fingerprint,
        startedAt: now.toISOString(),
        leaseUntil: new Date(now.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000).toISOString(),
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_HOURS * 3600_000).toISOString(),
      };
      return { kind: 'claimed', record, etag: await deps.store.put(record, stored?.etag) };
    },
    { attempts: 5 },
  );
  if (claim.kind !== 'claimed') return claim;

  let answer: SavedAnswer;
  try {
    answer = await run();
  } catch (error) {
    await release(deps, request.key, claim.etag);
    throw error;
  }
  if (answer.status >= 500 || answer.status === 429) {
    await release(deps, request.key, claim.etag);
    return { kind: 'answered', answer };
  }
  try {
    await deps.store.put({ ...claim.record, answer }, claim.etag);
  } catch (error) {
    // Taken over after our lease ran out: the other run's answer stands; ours is still true.
    if (!(error instanceof ConflictError)) throw error;
  }
  return { kind: 'answered', answer };
}

async function release(deps: IdempotencyDeps, key: string, etag: string): Promise<void> {
  try {
    await deps.store.remove(key, etag);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
