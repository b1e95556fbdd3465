/**
 * The time source of everything that is not the pure core (the pure core takes `now` as an
 * argument). Production uses {@link systemClock}; tests use a manual clock that they advance,
 * so nothing ever sleeps in real time.
 *
 * @example
 * const fireAt = new Date(clock.now().getTime() + 60_000);
 * await clock.sleepUntil(fireAt, controller.signal);
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /**
   * Resolves once `now()` has reached `at` (at once if it already has). Rejects with the
   * signal's reason if `signal` aborts first.
   */
  sleepUntil(at: Date, signal?: AbortSignal): Promise<void>;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The error a sleep rejects with when its signal aborts: the signal's reason if it is an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let handle: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        if (handle !== undefined) clearTimeout(handle);
        reject(abortReason(signal as AbortSignal));
      };
      const arm = (): void => {
        const remaining = at.getTime() - Date.now();
        if (remaining <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        handle = setTimeout(arm, Math.min(remaining, MAX_TIMEOUT_MS));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};
