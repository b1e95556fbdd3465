import type * as http from 'node:http';

import type Account from '@vercel/cosmosdb-server/lib/account';
import type Collection from '@vercel/cosmosdb-server/lib/account/collection';
import type ItemObject from '@vercel/cosmosdb-server/lib/account/item-object';
import * as operations from '@vercel/cosmosdb-server/lib/handler/_document-operations';
import * as batchHandlerModule from '@vercel/cosmosdb-server/lib/handler/batch-documents';
import readJson from '@vercel/cosmosdb-server/lib/json';
import type { JSONObject } from '@vercel/cosmosdb-server/lib/types';

type BatchHandler = (
  account: Account,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  params: { dbId: string; collId: string },
) => Promise<unknown>;

interface BatchOperation {
  operationType?: unknown;
  id?: unknown;
  partitionKey?: unknown;
  ifMatch?: unknown;
  resourceBody?: unknown;
}

interface Touched {
  readonly id: string;
  readonly partition: unknown;
  readonly before: ItemObject | undefined;
}

const ROUTES_MODULE = require.resolve('@vercel/cosmosdb-server/lib/routes');
let installed = false;

/**
 * Makes the embedded server's transactional batch all-or-nothing, as Cosmos DB's is.
 *
 * `@vercel/cosmosdb-server` 1.0.1 runs batch operations one by one and stops at the first
 * failure, but keeps the ones before it (it reads `x-ms-cosmos-batch-atomic` and ignores it), so
 * "replace the stamp + create its audit record" with a duplicate audit id would leave the stamp
 * replaced. This swaps its batch handler for one that undoes the earlier operations of a failed
 * batch. The server evaluates a batch synchronously once the body is read, so no other request
 * can observe the intermediate state.
 *
 * Must run before the server's route table is built (it captures the handler), which is why
 * the server is imported lazily after this call.
 */
export function installAtomicBatch(): void {
  if (installed) return;
  if (require.cache[ROUTES_MODULE] !== undefined) {
    throw new Error(
      'the embedded Cosmos server was loaded before its atomic batch was installed; ' +
        'start it only through startEmbeddedCosmos()',
    );
  }
  (batchHandlerModule as { default: BatchHandler }).default = atomicBatch;
  installed = true;
}

const atomicBatch: BatchHandler = async (account, req, res, { dbId, collId }) => {
  const body: unknown = await readJson(req);
  const collection = account.database(dbId).collection(collId);
  if (!collection.read()) {
    res.statusCode = 404;
    return {};
  }
  if (!Array.isArray(body)) {
    res.statusCode = 400;
    return { message: 'Invalid request body' };
  }
  const headerPartition = req.headers['x-ms-documentdb-partitionkey'];
  const touched: Touched[] = [];
  const results: { statusCode: number; requestCharge: number; eTag?: unknown; resourceBody?: unknown }[] = [];
  let failedAt = -1;
  for (const [index, raw] of (body as unknown[]).entries()) {
    if (failedAt >= 0) {
      results.push({ statusCode: 424, requestCharge: 0 });
      continue;
    }
    const input = withPartition(raw, headerPartition);
    const target = targetOf(collection, input);
    if (target) touched.push({ ...target, before: read(collection, target.id, target.partition) });
    const result = run(collection, input);
    if (result === undefined) {
      res.statusCode = 400;
      undo(collection, touched);
      return { message: `Operation type '${String(input.operationType)}' is not supported in Batch.` };
    }
    if (result.statusCode >= 400) {
      failedAt = index;
      results.push({ statusCode: result.statusCode, requestCharge: 0 });
    } else {
      results.push({
        statusCode: result.statusCode,
        requestCharge: 1,
        eTag: result.body ? result.body['_etag'] : undefined,
        resourceBody: result.body,
      });
    }
  }
  if (failedAt >= 0) {
    undo(collection, touched);
    // What was "done" before the failure is now undone: report it as Cosmos does, 424.
    for (let i = 0; i < failedAt; i += 1) results[i] = { statusCode: 424, requestCharge: 0 };
  }
  return results;
};

function withPartition(raw: unknown, headerPartition: string | string[] | undefined): BatchOperation {
  const input: BatchOperation = typeof raw === 'object' && raw !== null ? { ...(raw as BatchOperation) } : {};
  // The SDK sends the batch's partition key in a header and only repeats it on an operation
  // when the caller set it there; the server's operations parse it per operation.
  if (input.partitionKey === undefined && typeof headerPartition === 'string') {
    input.partitionKey = headerPartition;
  }
  return input;
}

function run(collection: Collection, input: BatchOperation): operations.OperationResult | undefined {
  // The server's operation inputs are loosely typed JSON; their shape is checked by the server.
  const loose = input as never;
  switch (input.operationType) {
    case 'Create':
      return operations.createOperation(collection, loose);
    case 'Upsert':
      return operations.upsertOperation(collection, loose);
    case 'Read':
      return operations.readOperation(collection, loose);
    case 'Delete':
      return operations.deleteOperation(collection, loose);
    case 'Replace':
      return operations.replaceOperation(collection, loose);
    default:
      return undefined;
  }
}

function targetOf(
  collection: Collection,
  input: BatchOperation,
): { id: string; partition: unknown } | undefined {
  const body = input.resourceBody;
  const fromBody =
    typeof body === 'object' && body !== null && typeof (body as JSONObject)['id'] === 'string'
      ? (body as JSONObject)
      : undefined;
  switch (input.operationType) {
    case 'Create':
    case 'Upsert':
    case 'Replace':
      return fromBody
        ? { id: fromBody['id'] as string, partition: collection.documents._getPartition(fromBody) }
        : undefined;
    case 'Delete':
      if (typeof input.id !== 'string') return undefined;
      return { id: input.id, partition: partitionFromHeader(input.partitionKey, input.id) };
    default:
      return undefined;
  }
}

function partitionFromHeader(value: unknown, fallback: string): unknown {
  if (typeof value !== 'string') return fallback;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  } catch {
    return fallback;
  }
}

function read(collection: Collection, id: string, partition: unknown): ItemObject | undefined {
  return collection.document(id, partition).read();
}

function undo(collection: Collection, touched: readonly Touched[]): void {
  for (const { id, partition, before } of [...touched].reverse()) {
    if (read(collection, id, partition)) collection.documents.delete(id, partition);
    if (before) collection.documents._set(before);
  }
}
