import { ConflictError, ensureError, NotFoundError, TransientError } from '../../errors';

/** Cosmos status codes that a later retry can get past (throttled, unavailable, timeout, retry-with). */
const TRANSIENT_STATUS = new Set([408, 429, 449, 503]);
/** Node socket failures that mean "the service was not reached", not "the request was wrong". */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** The HTTP status of an `@azure/cosmos` error, whichever field the SDK put it in. */
export function cosmosStatusOf(thrown: unknown): number | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { code, statusCode } = thrown as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

/** True for a status (from an error or a batch operation) that a retry may get past. */
export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

/**
 * Turns an SDK failure into a typed error of the control plane: 412 (changed meanwhile) and 409
 * (created meanwhile) → ConflictError, 404 → NotFoundError, 408/429/449/503 and timeouts → TransientError, anything else
 * re-thrown as an Error. The original is always kept as `cause`.
 */
export function mapCosmosError(thrown: unknown, what: string): Error {
  const status = cosmosStatusOf(thrown);
  if (status === 412)
    return new ConflictError(`${what}: the document changed (ETag mismatch)`, { cause: thrown });
  if (status === 409) return new ConflictError(`${what}: the id is already taken`, { cause: thrown });
  if (status === 404) return new NotFoundError(`${what}: not found`, { cause: thrown });
  if (status !== undefined && isTransientStatus(status)) {
    return new TransientError(`${what}: Cosmos DB answered ${status}`, `Cosmos${status}`, { cause: thrown });
  }
  if (isTimeoutOrNetwork(thrown)) {
    return new TransientError(`${what}: Cosmos DB was not reached`, 'CosmosUnreachable', { cause: thrown });
  }
  const error = ensureError(thrown);
  return new Error(`${what}: ${error.message}`, { cause: thrown });
}

function isTimeoutOrNetwork(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null) return false;
  const { name, code } = thrown as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError') return true;
  return typeof code === 'string' && (TRANSIENT_NETWORK_CODES.has(code) || code === 'TimeoutError');
}
