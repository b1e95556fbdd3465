import { join } from 'node:path';

/**
 * Registering the app's functions loads none of their code: each handler module is required the
 * first time one of its functions is invoked, so a cold start pays for the libraries and the
 * function it runs, not for every function's validation schemas, the dashboard page or the
 * lifecycle core (bench B4). Node caches the module, so later invocations call it directly.
 *
 * `path` is relative to this folder; `M` is the module's type (`typeof import` of the same path).
 */
export function handlerModule<M>(path: string): () => M {
  let loaded: M | undefined;
  return () => {
    // A plain require: synchronous (the orchestrator's generator cannot await) and resolved like
    // the static imports it replaces, so the module is shared with anything importing it directly.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require(join(__dirname, path)) as M;
    return loaded;
  };
}

/** A handler that asks `pick` for the real one at each invocation: its module loads on the first. */
export function lazyHandler<A extends unknown[], R>(pick: () => (...args: A) => R): (...args: A) => R {
  return (...args: A): R => pick()(...args);
}
