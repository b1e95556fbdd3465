import { ConflictError, ensureError, StampsError } from '../../errors';
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
  /** The control plane's clock: how long a key is kept. */
  readonly clock: Clock;
  /** Real time in ms (default `Date.now`): how long a claim's lease runs (see `idempotencyVerdict`). */
  readonly wallClock?: () => number;
}

/** Tries of saving an answer before the answer is given without being kept. */
const SAVE_ATTEMPTS = 3;

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
  | {
      readonly kind: 'answered';
      readonly answer: SavedAnswer;
      /** Why the answer could not be kept (the store failed through every try): a retry may do the work again. */
      readonly unsaved?: string;
    }
  | { readonly kind: 'replayed'; readonly answer: SavedAnswer }
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
  const wall = deps.wallClock ?? Date.now;
  const claim = await retryOnConflict(
    `claim idempotency key`,
    async (): Promise<IdempotentOutcome | Claimed> => {
      const now = deps.clock.now();
      const wallNow = wall();
      const stored = await deps.store.find(request.key);
      const verdict = idempotencyVerdict(stored?.record, request.fingerprint, now, wallNow);
      if (verdict === 'mismatch') return { kind: 'mismatch' };
      if (verdict === 'replay' && stored?.record.answer !== undefined)
        return { kind: 'replayed', answer: stored.record.answer };
      if (verdict === 'in-flight') {
        const left = Date.parse(stored?.record.leaseUntil ?? '') - wallNow;
        return { kind: 'in-flight', retryAfterSeconds: Math.max(1, Math.min(5, Math.ceil(left / 1000))) };
      }
      const record: IdempotencyRecord = {
        key: request.key,
        fingerprint: request.fingerprint,
        startedAt: now.toISOString(),
        leaseUntil: new Date(wallNow + IDEMPOTENCY_LEASE_SECONDS * 1000).toISOString(),
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
  // The work is done: its answer goes back to the caller whatever happens to the record now.
  // Saying "unavailable, retry" here would invite the retry to do the work a second time.
  let unsaved: string | undefined;
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt += 1) {
    try {
      await deps.store.put({ ...claim.record, answer }, claim.etag);
      unsaved = undefined;
      break;
    } catch (error) {
      // Taken over after our lease ran out (the other run's answer stands; ours is still true),
      // or an earlier try that seemed to fail did land: either way a record is there.
      if (error instanceof ConflictError) {
        unsaved = undefined;
        break;
      }
      unsaved = ensureError(error).message;
      if (!(error instanceof StampsError && error.retryable)) break;
    }
  }
  return unsaved === undefined ? { kind: 'answered', answer } : { kind: 'answered', answer, unsaved };
}

/** Best effort: a claim that cannot be released now ends with its lease. */
async function release(deps: IdempotencyDeps, key: string, etag: string): Promise<void> {
  try {
    await deps.store.remove(key, etag);
  } catch {
    // The original outcome (an error, a 5xx) matters more than the release's own failure.
  }
}
