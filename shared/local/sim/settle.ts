/**
 * Runs synchronous simulation work behind a port's Promise-returning method, so that a thrown
 * error (ValidationError, NotFoundError...) becomes a rejection as it would from a real SDK
 * call, never a synchronous throw that callers of an async port do not expect.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error: unknown) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
