import { ConflictError } from './index';

export interface ConflictRetryOptions {
  /** How many times the step runs at most (default 25). */
  readonly attempts?: number;
  /**
   * What to wait before attempt `attempt + 1`. The default yields one turn of the event loop, so
   * the winner's other writes land before the step re-reads; an adapter facing real contention
   * passes a jittered back-off instead.
   */
  readonly backoff?: (attempt: number) => Promise<void>;
}

/**
 * Runs a read-decide-write step again when its conditional write lost a race (ConflictError):
 * the step re-reads and re-decides. Other errors pass through untouched. The one conflict-retry
 * loop of the control plane, for the app and the store adapters alike.
 */
export async function retryOnConflict<T>(
  what: string,
  step: () => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  const { attempts = 25, backoff = nextTurn } = options;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      last = error;
      if (attempt < attempts) await backoff(attempt);
    }
  }
  throw new ConflictError(`${what}: still conflicting after ${attempts} attempts`, { cause: last });
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Exponential back-off with full jitter, capped at `capMs`: racing writers spread apart instead of
 * colliding again in lockstep, so a small bound on attempts is enough.
 */
export function jitteredBackoff(capMs = 250): (attempt: number) => Promise<void> {
  return (attempt) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(capMs, 4 * 2 ** attempt)));
}
