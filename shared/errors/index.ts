/**
 * The typed errors of the control plane. Each has a stable `code`,
 * keeps its `cause`, and says whether a retry can help. None carries secrets.
 */
export abstract class StampsError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed as given: a bad request, a bad event, a bad setting. */
export class ValidationError extends StampsError {
  readonly code: string = 'Validation';
  readonly retryable = false;

  constructor(
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A stored document that does not match its schema: never silently defaulted. */
export class InvalidDocumentError extends StampsError {
  readonly code = 'InvalidDocument';
  readonly retryable = false;

  constructor(
    readonly documentId: string,
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`stored document '${documentId}' is invalid at '${field}': ${reason}`, options);
  }
}

/** Optimistic concurrency lost (Cosmos 412, or a create that found the id taken): re-read and re-decide. */
export class ConflictError extends StampsError {
  readonly code = 'Conflict';
  readonly retryable = true;
}

export class NotFoundError extends StampsError {
  readonly code = 'NotFound';
  readonly retryable = false;
}

/** A failure that may pass on retry: throttling, timeouts, 5xx. */
export class TransientError extends StampsError {
  readonly code: string;
  readonly retryable = true;

  constructor(message: string, code = 'Transient', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A failure that no retry can fix: a failed deployment, a rejected template. */
export class TerminalError extends StampsError {
  readonly code: string;
  readonly retryable = false;

  constructor(message: string, code = 'Terminal', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Normalises anything thrown into an Error, so callers never handle `unknown` twice. */
export function ensureError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return new Error(`non-Error value thrown: ${text}`);
}
