/**
 * Deterministic fault injection for a port: each call is keyed by method and the id it is about
 * (its first string argument, or the `id`/`stampId` of its first object argument) and numbered
 * per key; whether call n of a key fails is a hash of (seed, method, key, n). The outcome is
 * thus the same whatever order concurrent handlers interleave in, and a fixed seed replays it.
 */
export interface FaultPlan {
  readonly seed: number;
  /** Fraction of the calls of `methods` that fail. */
  readonly rate: number;
  readonly methods: ReadonlySet<string>;
  /** A key never fails more than this many times in a row (a storm, not an outage). */
  readonly maxInARow: number;
  readonly error: (method: string) => Error;
  /** While false, nothing fails (a storm has an end); default always on. */
  readonly active?: () => boolean;
}

export interface FaultStats {
  injected: number;
  calls: number;
}

/** FNV-1a: a stable, fast hash to a fraction in [0, 1). */
function fraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}

function keyOf(args: readonly unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null) {
    const record = first as Record<string, unknown>;
    const id = record['id'] ?? record['stampId'] ?? record['region'] ?? record['deploymentName'];
    if (typeof id === 'string') return id;
    if (typeof record['stamp'] === 'object' && record['stamp'] !== null) {
      const stampId = (record['stamp'] as Record<string, unknown>)['id'];
      if (typeof stampId === 'string') return stampId;
    }
  }
  return '';
}

/** Wraps every async method of `target`; a failing call throws before reaching the real port. */
export function withFaults<T extends object>(target: T, plan: FaultPlan, stats: FaultStats): T {
  const seen = new Map<string, number>();
  const inARow = new Map<string, number>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function' || !plan.methods.has(property))
        return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]): Promise<unknown> => {
        const key = `${property}|${keyOf(args)}`;
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        stats.calls += 1;
        const row = inARow.get(key) ?? 0;
        const on = plan.active?.() ?? true;
        if (on && row < plan.maxInARow && fraction(`${plan.seed}|${key}|${n}`) < plan.rate) {
          inARow.set(key, row + 1);
          stats.injected += 1;
          return Promise.reject(plan.error(property));
        }
        inARow.set(key, 0);
        return method.apply(object, args);
      };
    },
  });
}
