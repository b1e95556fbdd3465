import { ensureError, StampsError } from '../../errors';

/**
 * Activities fail by throwing. Durable Functions carries only the message
 * of an activity's error back to the orchestrator, so the error's stable code and whether a
 * retry can help travel in a prefix: `[Code|transient] message`.
 */
const PREFIX = /^\[([A-Za-z0-9-]+)\|(transient|terminal)\] /;

export function encodeActivityError(thrown: unknown): Error {
  const error = ensureError(thrown);
  if (PREFIX.test(error.message)) return error;
  if (error instanceof StampsError) {
    return new Error(`[${error.code}|${error.retryable ? 'transient' : 'terminal'}] ${error.message}`, {
      cause: error,
    });
  }
  // An unclassified failure (a bug, a dependency's surprise) may pass on retry: say so.
  return new Error(`[Unclassified|transient] ${error.message}`, { cause: error });
}

export interface DecodedActivityError {
  readonly code: string;
  readonly retryable: boolean;
  readonly message: string;
}

/** Reads the code back from a failed activity task's error, wherever the prefix ended up. */
export function decodeActivityError(thrown: unknown): DecodedActivityError {
  const message = ensureError(thrown).message;
  const start = message.search(/\[[A-Za-z0-9-]+\|(transient|terminal)\] /);
  const tail = start >= 0 ? message.slice(start) : message;
  const match = PREFIX.exec(tail);
  if (match === null) return { code: 'Unclassified', retryable: true, message };
  return {
    code: match[1] ?? 'Unclassified',
    retryable: match[2] === 'transient',
    message: tail.slice(match[0].length),
  };
}
