import { after, afterEach, before, beforeEach } from 'node:test';

/**
 * A resource a suite shares: started before its first test, stopped after its last, and reset
 * (when `reset` is given) before each test. Call inside `describe`; the getter throws when used
 * outside the suite's tests, where the resource does not exist.
 */
export function perSuite<T>(
  start: () => Promise<T>,
  stop: (resource: T) => Promise<unknown>,
  reset?: (resource: T) => void,
): () => T {
  let resource: T | undefined;
  const current = (): T => {
    if (resource === undefined) throw new Error('the suite resource is used outside its tests');
    return resource;
  };
  before(async () => {
    resource = await start();
  });
  after(async () => {
    if (resource !== undefined) await stop(resource);
    resource = undefined;
  });
  if (reset !== undefined) beforeEach(() => reset(current()));
  return current;
}

/** A resource each test gets fresh: started before it, stopped after it. */
export function perTest<T>(start: () => Promise<T>, stop: (resource: T) => Promise<unknown>): () => T {
  let resource: T | undefined;
  beforeEach(async () => {
    resource = await start();
  });
  afterEach(async () => {
    if (resource !== undefined) await stop(resource);
    resource = undefined;
  });
  return () => {
    if (resource === undefined) throw new Error('the test resource is used outside a test');
    return resource;
  };
}
