import type { RetryChain } from './instanceRecord';

/**
 * The wait before the next attempt after `failedAttempts` failures, as DTFx's RetryInterceptor
 * computes it: first interval x backoff^(failures-1), capped by the maximum interval.
 * `retryTimeoutInMilliseconds` is not applied (see README).
 */
export function retryDelayMs(chain: RetryChain, failedAttempts: number): number {
  const raw = chain.firstRetryIntervalInMilliseconds * Math.pow(chain.backoffCoefficient, failedAttempts - 1);
  const capped =
    chain.maxRetryIntervalInMilliseconds === undefined
      ? raw
      : Math.min(raw, chain.maxRetryIntervalInMilliseconds);
  return Math.max(0, Math.round(capped));
}
