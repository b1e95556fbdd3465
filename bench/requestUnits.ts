import type { DecisionBatch } from '../shared/ports/stampStore';

/**
 * Estimated Cosmos DB request units of the store's calls. The embedded server sends no
 * `x-ms-request-charge`, so the bench counts the Cosmos operations each port method performs
 * (as `shared/azure/cosmos/` implements them) and prices each by its document's size with the
 * figures Microsoft publishes for session consistency and the default indexing policy:
 * a point read of 1 KB costs 1 RU (https://learn.microsoft.com/azure/cosmos-db/request-units),
 * and "Understand request unit consumption"
 * (https://learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption) tables reads
 * and writes by size, from which the rows below are taken. Between two rows the cost is
 * interpolated; below 1 KB the 1 KB cost applies. Queries are priced as reads of what they return,
 * a lower bound (a query also pays for its index lookups), and reported apart.
 */
const BY_SIZE_KB: readonly (readonly [kb: number, read: number, write: number])[] = [
  [1, 1.0, 4.95],
  [2, 1.04, 6.29],
  [4, 1.14, 6.67],
  [8, 1.33, 7.04],
  [16, 1.67, 9.52],
  [32, 2.19, 11.23],
  [64, 4.76, 22.67],
  [128, 9.95, 48.19],
  [256, 20.28, 98.29],
  [512, 40.95, 184.57],
  [1024, 145.9, 625.0],
  [2048, 291.8, 1250.0],
];

function priced(bytes: number, column: 1 | 2): number {
  const kb = bytes / 1024;
  const first = BY_SIZE_KB[0];
  if (first === undefined) return 0;
  if (kb <= first[0]) return first[column];
  for (let i = 1; i < BY_SIZE_KB.length; i += 1) {
    const lower = BY_SIZE_KB[i - 1];
    const upper = BY_SIZE_KB[i];
    if (lower === undefined || upper === undefined) break;
    if (kb <= upper[0]) {
      const share = (kb - lower[0]) / (upper[0] - lower[0]);
      return lower[column] + share * (upper[column] - lower[column]);
    }
  }
  const last = BY_SIZE_KB.at(-1) ?? first;
  return (last[column] * kb) / last[0];
}

export const readRu = (bytes: number): number => priced(bytes, 1);
export const writeRu = (bytes: number): number => priced(bytes, 2);

function size(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/** Methods answered by a query rather than point operations (priced as a lower bound). */
export const QUERY_METHODS: ReadonlySet<string> = new Set([
  'list',
  'listPage',
  'history',
  'historyPage',
  'listPurgeDue',
]);

/** The estimated RU of one call of `method` with these arguments and this result. */
export function estimateRu(method: string, args: readonly unknown[], result: unknown): number {
  const written = size(args[0]);
  switch (method) {
    case 'commitBatch': {
      // One transactional batch: the stamp replaced, each audit record created, the inbox written.
      const batch = args[0] as DecisionBatch;
      return (
        writeRu(size(batch.stamp)) +
        batch.audits.reduce((sum, audit) => sum + writeRu(size(audit)), 0) +
        writeRu(size(batch.inbox))
      );
    }
    case 'create':
      return writeRu(written) + writeRu(size(args[1]));
    case 'enqueueEvent':
      // The inbox read, then written back with the event unless it is a duplicate. The inbox is
      // not visible at the port: it is taken as 1 KB of recent ids plus the event.
      return readRu(1024) + (result === 'duplicate' ? 0 : writeRu(1024 + size(args[1])));
    case 'replace':
    case 'replaceFleetSummary':
    case 'replaceLedger':
    case 'recordProcessedEvent':
      return writeRu(written);
    case 'schedulePurge':
    case 'unschedulePurge':
      // A day bucket read and written back, and the index of days.
      return 2 * (readRu(1024) + writeRu(1024));
    default:
      return readRu(size(result));
  }
}
