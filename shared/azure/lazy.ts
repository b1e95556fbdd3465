/**
 * A value built on first use and then shared, for SDK clients and credentials: one client
 * per process, not one per call. A failed build is not cached, so
 * that a transient failure (e.g. a module that failed to load) is retried by the next caller.
 *
 * @example
 * const credential = lazy(async () => new (await import('@azure/identity')).DefaultAzureCredential());
 * const token = await (await credential()).getToken(scope);
 */
export function lazy<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const attempt = create();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
