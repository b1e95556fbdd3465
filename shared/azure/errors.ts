import { ConflictError, ensureError, NotFoundError, TerminalError, TransientError } from '../errors';

/**
 * How the Azure SDKs fail, and how that becomes a typed error of the control plane
 * (`shared/errors`). Three shapes reach us from the management SDKs (docs/azure.md §9):
 *
 * 1. a `RestError` with `statusCode`, `code` and the ARM error body in `details` (a synchronous
 *    4xx/5xx, or a failed `Location`-style poll such as a resource group delete);
 * 2. a plain `Error` "The long-running operation has failed. <code>. <message>" with no status,
 *    from a failed `Azure-AsyncOperation` poll (the structured details only come from a later GET);
 * 3. a network failure (`RestError` with code `REQUEST_SEND_ERROR`, or a Node socket error).
 *
 * Messages carry the ARM code and message only: never request headers, so never a token. The
 * original error is kept as `cause`.
 */

/** ARM error codes that a later retry can get past even though the HTTP status says otherwise. */
const TRANSIENT_CODES = new Set([
  'TooManyRequests',
  'RetryableError',
  'RetryableErrorDueToAnotherOperation',
  'InternalServerError',
  'ServiceUnavailable',
  'GatewayTimeout',
  'RequestTimeout',
  'REQUEST_SEND_ERROR',
]);

/** 409 codes that mean "someone holds this scope", which no retry fixes. */
const TERMINAL_CONFLICT_CODES = new Set(['ScopeLocked']);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const LRO_FAILED = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/;
const LRO_CANCELED = /^The long-running operation has been canceled/i;

/** The fields of an SDK `RestError` that we read; duck-typed, since an ESM and a CJS copy may both be loaded. */
export interface RestErrorLike {
  readonly name: 'RestError';
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly details?: unknown;
}

export function isRestErrorLike(thrown: unknown): thrown is RestErrorLike {
  return typeof thrown === 'object' && thrown !== null && (thrown as { name?: unknown }).name === 'RestError';
}

/** The HTTP status of an SDK error, if it has one. */
export function statusOf(thrown: unknown): number | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { statusCode } = thrown as { statusCode?: unknown };
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** The ARM error code of a RestError: the body's `error.code` when present, else the SDK's `code`. */
export function armCodeOf(thrown: unknown): string | undefined {
  if (!isRestErrorLike(thrown)) return undefined;
  const body = thrown.details;
  if (typeof body === 'object' && body !== null) {
    const inner = (body as { error?: { code?: unknown } }).error;
    if (inner !== undefined && typeof inner.code === 'string') return inner.code;
    const flat = (body as { code?: unknown }).code;
    if (typeof flat === 'string') return flat;
  }
  return thrown.code;
}

/** The failed-LRO plain Error (shape 2), parsed; undefined for anything else. */
export function parseLroFailure(thrown: unknown): { code: string; message: string } | undefined {
  if (!(thrown instanceof Error) || isRestErrorLike(thrown)) return undefined;
  const match = LRO_FAILED.exec(thrown.message);
  if (match === null) return undefined;
  return { code: match[1] ?? 'OperationFailed', message: (match[2] ?? '').trim() || thrown.message };
}

/**
 * Turns anything an Azure SDK call threw into a typed error:
 * 429, 408, 5xx, retryable ARM codes and network failures → TransientError;
 * 409 (an operation in progress) and 412 (ETag) → ConflictError (ScopeLocked → TerminalError);
 * 404 → NotFoundError; other 4xx (InvalidTemplate, AuthorizationFailed, quota) → TerminalError;
 * a failed long-running operation → TerminalError with its ARM code (or Transient if that code is).
 */
export function mapAzureError(thrown: unknown, what: string): Error {
  if (thrown instanceof TransientError || thrown instanceof TerminalError) return thrown;
  if (thrown instanceof ConflictError || thrown instanceof NotFoundError) return thrown;

  const lro = parseLroFailure(thrown);
  if (lro !== undefined) {
    const text = `${what}: ${lro.code}: ${lro.message}`;
    return TRANSIENT_CODES.has(lro.code)
      ? new TransientError(text, lro.code, { cause: thrown })
      : new TerminalError(text, lro.code, { cause: thrown });
  }
  if (thrown instanceof Error && !isRestErrorLike(thrown) && LRO_CANCELED.test(thrown.message)) {
    return new TerminalError(`${what}: the operation was canceled`, 'Canceled', { cause: thrown });
  }

  const status = statusOf(thrown);
  const code = armCodeOf(thrown);
  const message = isRestErrorLike(thrown) ? thrown.message : ensureError(thrown).message;
  const described = `${what}: ${status === undefined ? '' : `${status} `}${code ?? 'Error'}: ${message}`;

  if (status === undefined) {
    if (isNetworkFailure(thrown)) {
      return new TransientError(`${what}: Azure was not reached: ${message}`, 'Unreachable', {
        cause: thrown,
      });
    }
    if (code !== undefined && TRANSIENT_CODES.has(code)) {
      return new TransientError(described, code, { cause: thrown });
    }
    return new Error(`${what}: ${message}`, { cause: thrown });
  }
  if (
    status === 429 ||
    status === 408 ||
    status >= 500 ||
    (code !== undefined && TRANSIENT_CODES.has(code))
  ) {
    return new TransientError(described, code ?? `Http${status}`, { cause: thrown });
  }
  if (status === 404) return new NotFoundError(described, { cause: thrown });
  if (status === 409 && code !== undefined && TERMINAL_CONFLICT_CODES.has(code)) {
    return new TerminalError(described, code, { cause: thrown });
  }
  if (status === 409 || status === 412) return new ConflictError(described, { cause: thrown });
  return new TerminalError(described, code ?? `Http${status}`, { cause: thrown });
}

function isNetworkFailure(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null) return false;
  const { name, code, cause } = thrown as { name?: unknown; code?: unknown; cause?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code === 'REQUEST_SEND_ERROR')) return true;
  return cause !== undefined && cause !== thrown && isNetworkFailure(cause);
}
