import { ConflictError } from '../shared/errors';
import {
  type DecisionBatch,
  STAMP_STORE_WRITES,
  type StampStore,
  type StoredInbox,
} from '../shared/ports/stampStore';
import { estimateRu } from './requestUnits';

/** What the control plane asked of its store during a run: calls, lost races and bytes, by method. */
export interface StoreUsage {
  readonly calls: Record<string, number>;
  /** Conditional writes refused because the document changed meanwhile (HTTP 412 on Cosmos DB). */
  readonly conflicts: Record<string, number>;
  /** JSON bytes written (arguments) and read (results), by method. */
  readonly bytesWritten: Record<string, number>;
  readonly bytesRead: Record<string, number>;
  /** Estimated request units on Cosmos DB (`requestUnits.ts`), by method; 412s priced as writes. */
  readonly requestUnits: Record<string, number>;
  /**
   * Events the orchestrations decided (`decided`): the ids a committed batch added to its stamp's
   * inbox `recent` list, against the inbox as the decision read it. Every event that reached
   * `decide` counts once, whether it moved the stamp or was found stale, however the events were
   * batched into episodes.
   */
  readonly events: Record<string, number>;
}

const WRITES: ReadonlySet<string> = new Set(STAMP_STORE_WRITES);

function size(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

function add(counts: Record<string, number>, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/**
 * The store with every call counted: a proxy on the port, so the bench measures what the
 * decisions do through it (the embedded Cosmos DB server reports no request charge to count).
 */
export function meteredStore(store: StampStore): { store: StampStore; usage: StoreUsage } {
  const usage: StoreUsage = {
    calls: {},
    conflicts: {},
    bytesWritten: {},
    bytesRead: {},
    requestUnits: {},
    events: {},
  };
  const lastRead = new Map<string, ReadonlySet<string>>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        add(usage.calls, property, 1);
        if (WRITES.has(property)) add(usage.bytesWritten, property, size(args[0]));
        try {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (!WRITES.has(property)) add(usage.bytesRead, property, size(result));
          add(usage.requestUnits, property, estimateRu(property, args, result));
          countDecided(property, args, result);
          return result;
        } catch (error) {
          if (error instanceof ConflictError) {
            add(usage.conflicts, property, 1);
            add(usage.requestUnits, property, estimateRu(property, args, undefined));
          }
          throw error;
        }
      };
    },
  });
  function countDecided(method: string, args: readonly unknown[], result: unknown): void {
    if (method === 'readInbox' && typeof args[0] === 'string') {
      lastRead.set(args[0], new Set((result as StoredInbox).inbox.recent));
    } else if (method === 'commitBatch') {
      const { inbox } = args[0] as DecisionBatch;
      const before = lastRead.get(inbox.stampId) ?? new Set<string>();
      add(usage.events, 'decided', inbox.recent.filter((id) => !before.has(id)).length);
      lastRead.set(inbox.stampId, new Set(inbox.recent));
    }
  }
  return { store: proxy, usage };
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** A copy of the usage so far, to subtract later. */
export function snapshotUsage(usage: StoreUsage): StoreUsage {
  return {
    calls: { ...usage.calls },
    conflicts: { ...usage.conflicts },
    bytesWritten: { ...usage.bytesWritten },
    bytesRead: { ...usage.bytesRead },
    requestUnits: { ...usage.requestUnits },
    events: { ...usage.events },
  };
}

function minus(now: Record<string, number>, then: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(now)
      .map(([key, n]): [string, number] => [key, n - (then[key] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
}

/** What was used between `before` (a snapshot) and now. */
export function usageSince(usage: StoreUsage, before: StoreUsage): StoreUsage {
  return {
    calls: minus(usage.calls, before.calls),
    conflicts: minus(usage.conflicts, before.conflicts),
    bytesWritten: minus(usage.bytesWritten, before.bytesWritten),
    bytesRead: minus(usage.bytesRead, before.bytesRead),
    requestUnits: minus(usage.requestUnits, before.requestUnits),
    events: minus(usage.events, before.events),
  };
}
