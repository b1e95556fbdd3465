import { createHash } from 'node:crypto';

import type {
  Container,
  CosmosClient,
  FeedOptions,
  ItemDefinition,
  OperationInput,
  OperationResponse,
  SqlQuerySpec,
} from '@azure/cosmos';

import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { jitteredBackoff, retryOnConflict } from '../../errors/retryOnConflict';
import type { StampEvent } from '../../lifecycle/events';
import { stampEventSchema } from '../../lifecycle/eventSchema';
import type { RegionCounts } from '../../lifecycle/regionCounts';
import type { AuditRecord, Stamp } from '../../lifecycle/stamp';
import type {
  DecisionBatch,
  Page,
  PageRequest,
  RegionLedger,
  StampFilter,
  StampInbox,
  StampStore,
  StoredFleetSummary,
  StoredInbox,
  StoredLedger,
  StoredStamp,
  TraceRef,
} from '../../ports/stampStore';
import { DEFAULT_CONTAINER_NAMES, type StampsContainerNames } from './database';
import {
  assertValidStamp,
  auditFromDocument,
  INBOX_DOCUMENT_ID,
  inboxFromDocument,
  stampFromDocument,
  toAuditDocument,
  toInboxDocument,
  toStampDocument,
} from './documents';
import { cosmosStatusOf, mapCosmosError } from './errors';
import { FleetSummaryDocument } from './fleetSummaryDocument';
import { json, readItem, requireEtag, rethrowOwn, writeItem } from './items';
import { PurgeSchedule } from './purgeSchedule';
import { RegionLedgers } from './regionLedgers';
import { runBatch } from './transactionalBatch';

export interface CosmosStampStoreOptions {
  readonly client: CosmosClient;
  readonly databaseName: string;
  readonly containers?: Partial<StampsContainerNames>;
  /** Items per page when `list` pages through a query (default 500). */
  readonly listPageSize?: number;
  /** Attempts of an If-Match read-modify-write before giving up with ConflictError (default 20). */
  readonly maxConflictRetries?: number;
}

/** The Cosmos adapter of the StampStore port. */
export type CosmosStampStore = StampStore;

/**
 * The stamp store on Cosmos DB (NoSQL API) through the real `@azure/cosmos` SDK. Containers must
 * exist (`ensureStampsDatabase`). A stamp and its audit records share the logical partition
 * `/stampId`, so a transition is one transactional batch; ledgers, purge buckets and processed
 * events are point-read documents in containers keyed by `/id`.
 *
 * @example
 * const store = createCosmosStampStore({ client: await getCosmosClient(connection), databaseName: 'stamps' });
 * const { stamp, etag } = (await store.get('weu-001'))!;
 */
export function createCosmosStampStore(options: CosmosStampStoreOptions): CosmosStampStore {
  return new CosmosStampStoreImpl(options);
}

/**
 * Cosmos ids cannot hold `/ \ ? #` and are at most 255 characters, while an event id may be an
 * Azure resource id (alert ids are). Such ids are stored under a hash; the original is kept in
 * the document.
 */
export function processedEventDocumentId(eventId: string): string {
  const safe = eventId.length <= 200 && !/[/\\?#]/.test(eventId) && eventId.trim() === eventId;
  return safe ? eventId : `sha256-${createHash('sha256').update(eventId).digest('hex')}`;
}

class CosmosStampStoreImpl implements CosmosStampStore {
  private readonly stamps: Container;
  private readonly events: Container;
  private readonly ledgers: RegionLedgers;
  private readonly summary: FleetSummaryDocument;
  private readonly purges: PurgeSchedule;
  private readonly listPageSize: number;
  private readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T>;

  constructor(options: CosmosStampStoreOptions) {
    const names = { ...DEFAULT_CONTAINER_NAMES, ...options.containers };
    const database = options.client.database(options.databaseName);
    this.stamps = database.container(names.stamps);
    this.events = database.container(names.events);
    this.listPageSize = options.listPageSize ?? 500;
    const retry = { attempts: options.maxConflictRetries ?? 20, backoff: jitteredBackoff() };
    this.retry = (what, step) => retryOnConflict(what, step, retry);
    const ledger = database.container(names.ledger);
    this.ledgers = new RegionLedgers(ledger);
    this.summary = new FleetSummaryDocument(ledger);
    this.purges = new PurgeSchedule(ledger, this.retry);
  }

  async create(stamp: Stamp, audit: AuditRecord): Promise<StoredStamp> {
    checkTransition(stamp, audit);
    const what = `create stamp '${stamp.id}'`;
    const results = await this.batch(
      stamp.id,
      [
        { operationType: 'Create', resourceBody: json(toStampDocument(stamp)) },
        { operationType: 'Create', resourceBody: json(toAuditDocument(audit)) },
      ],
      what,
      (index, status) =>
        status === 409
          ? new ConflictError(
              index === 0 ? `${what}: the id is already taken` : `${what}: audit record ${audit.seq} exists`,
            )
          : undefined,
    );
    return { stamp, etag: etagOf(results[0], what) };
  }

  async get(id: string): Promise<StoredStamp | undefined> {
    const doc = await readItem(this.stamps, { id, partitionKey: id }, `read stamp '${id}'`);
    return doc ? { stamp: stampFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  async list(filter: StampFilter = {}): Promise<Stamp[]> {
    const stamps: Stamp[] = [];
    try {
      // One iterator for all pages: it follows the continuations itself, including pages that
      // come back empty from a partition while others still have results.
      const iterator = this.stamps.items.query<ItemDefinition>(stampQuery(filter), {
        maxItemCount: this.listPageSize,
      });
      while (iterator.hasMoreResults()) {
        const { resources } = await iterator.fetchNext();
        for (const doc of resources) stamps.push(stampFromDocument(doc));
      }
    } catch (thrown) {
      throw rethrowOwn(thrown) ?? mapCosmosError(thrown, 'list stamps');
    }
    // Cosmos returns cross-partition results in no promised order; callers get a stable one.
    return stamps.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  listPage(filter: StampFilter, page: PageRequest): Promise<Page<Stamp>> {
    const base = stampQuery(filter);
    return this.page(
      base,
      { key: 'c.id', type: 'string' },
      page,
      {},
      stampFromDocument,
      (s) => s.id,
      'list stamps',
    );
  }

  async replace(stamp: Stamp, etag: string): Promise<StoredStamp> {
    assertValidStamp(stamp);
    const key = { id: stamp.id, partitionKey: stamp.id };
    const written = await writeItem(
      this.stamps,
      key,
      toStampDocument(stamp),
      etag,
      `replace stamp '${stamp.id}'`,
    );
    return { stamp, etag: written };
  }

  async commitBatch(batch: DecisionBatch): Promise<StoredStamp> {
    const { stamp, etag, audits, inbox, inboxEtag } = batch;
    assertValidStamp(stamp);
    const first = stamp.auditSeq - audits.length;
    audits.forEach((audit, index) => {
      if (audit.stampId !== stamp.id || audit.seq !== first + index + 1) {
        throw new ValidationError(
          `audit record ${audit.seq} of '${audit.stampId}' does not follow stamp '${stamp.id}' (auditSeq ${stamp.auditSeq})`,
          'audits',
        );
      }
    });
    if (inbox.stampId !== stamp.id)
      throw new ValidationError(`the inbox of '${inbox.stampId}' is not '${stamp.id}'s`, 'inbox');
    const what = `commit ${audits.length} transition(s) of stamp '${stamp.id}'`;
    const inboxIndex = 1 + audits.length;
    const results = await this.batch(
      stamp.id,
      [
        {
          operationType: 'Replace',
          id: stamp.id,
          partitionKey: stamp.id,
          ifMatch: etag,
          resourceBody: json(toStampDocument(stamp)),
        },
        ...audits.map((audit) => ({
          operationType: 'Create' as const,
          resourceBody: json(toAuditDocument(audit)),
        })),
        inboxEtag === undefined
          ? { operationType: 'Create' as const, resourceBody: json(toInboxDocument(inbox)) }
          : {
              operationType: 'Replace' as const,
              id: INBOX_DOCUMENT_ID,
              partitionKey: stamp.id,
              ifMatch: inboxEtag,
              resourceBody: json(toInboxDocument(inbox)),
            },
      ],
      what,
      (index, status) => {
        if (index === 0 && status === 412)
          return new ConflictError(`${what}: the stamp changed (ETag mismatch)`);
        if (index === 0 && status === 404) return new NotFoundError(`${what}: the stamp does not exist`);
        if (index === inboxIndex && (status === 412 || status === 409)) {
          return new ConflictError(`${what}: the inbox changed meanwhile`);
        }
        if (index > 0 && index < inboxIndex && status === 409) {
          return new ConflictError(`${what}: these transitions were already written`);
        }
        return undefined;
      },
    );
    return { stamp, etag: etagOf(results[0], what) };
  }

  async enqueueEvent(stampId: string, event: StampEvent, trace?: TraceRef): Promise<'queued' | 'duplicate'> {
    const parsed = stampEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new ValidationError(
        `event for '${stampId}' is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
        'event',
      );
    }
    return this.retry(`enqueue event '${event.id}' for '${stampId}'`, async () => {
      const { inbox, etag } = await this.readInbox(stampId);
      if (inbox.recent.includes(event.id) || inbox.pending.some((pending) => pending.id === event.id)) {
        return 'duplicate';
      }
      const next: StampInbox = {
        ...inbox,
        pending: [...inbox.pending, parsed.data],
        ...(trace === undefined ? {} : { trace }),
      };
      await writeItem(
        this.stamps,
        { id: INBOX_DOCUMENT_ID, partitionKey: stampId },
        toInboxDocument(next),
        etag,
        `enqueue event for '${stampId}'`,
      );
      return 'queued';
    });
  }

  async readInbox(stampId: string): Promise<StoredInbox> {
    const doc = await readItem(
      this.stamps,
      { id: INBOX_DOCUMENT_ID, partitionKey: stampId },
      `read inbox of '${stampId}'`,
    );
    if (!doc) return { inbox: { stampId, pending: [], recent: [] } };
    return { inbox: inboxFromDocument(doc.resource), etag: doc.etag };
  }

  async history(id: string): Promise<AuditRecord[]> {
    const query: SqlQuerySpec = {
      query: "SELECT * FROM c WHERE c.stampId = @id AND c.type = 'audit' ORDER BY c.seq ASC",
      parameters: [{ name: '@id', value: id }],
    };
    try {
      const { resources } = await this.stamps.items
        .query<ItemDefinition>(query, { partitionKey: id })
        .fetchAll();
      return resources.map(auditFromDocument);
    } catch (thrown) {
      throw rethrowOwn(thrown) ?? mapCosmosError(thrown, `read history of stamp '${id}'`);
    }
  }

  historyPage(id: string, page: PageRequest): Promise<Page<AuditRecord>> {
    const base: SqlQuerySpec = {
      query: "SELECT * FROM c WHERE c.stampId = @id AND c.type = 'audit'",
      parameters: [{ name: '@id', value: id }],
    };
    return this.page(
      base,
      { key: 'c.seq', type: 'number' },
      page,
      { partitionKey: id },
      auditFromDocument,
      (a) => a.seq,
      `read history of stamp '${id}'`,
    );
  }

  /**
   * One page, by key: `TOP limit+1 … WHERE key > last ORDER BY key`. Keyset paging rather than
   * Cosmos DB's own continuation token, because the JavaScript SDK hands no token back for a
   * cross-partition ORDER BY unless query control is on, and a page must never end a listing
   * early; by key, a page costs one indexed range read wherever the items live. The token holds
   * the last key and a digest of the filter, so a token given with other filters is refused
   * (ValidationError) instead of resuming a different listing.
   */
  private async page<T, K extends string | number>(
    base: SqlQuerySpec,
    order: { readonly key: string; readonly type: 'string' | 'number' },
    page: PageRequest,
    options: FeedOptions,
    parse: (doc: ItemDefinition) => T,
    keyOf: (item: T) => K,
    what: string,
  ): Promise<Page<T>> {
    const digest = createHash('sha256').update(JSON.stringify(base)).digest('base64url').slice(0, 16);
    const after =
      page.continuation === undefined ? undefined : unwrapToken(page.continuation, digest, order.type);
    const where = after === undefined ? '' : ` AND ${order.key} > @after`;
    const query: SqlQuerySpec = {
      query: `${base.query.replace(/^SELECT \*/, 'SELECT TOP @top *')}${where} ORDER BY ${order.key} ASC`,
      parameters: [
        ...(base.parameters ?? []),
        { name: '@top', value: page.limit + 1 },
        ...(after === undefined ? [] : [{ name: '@after', value: after }]),
      ],
    };
    try {
      const { resources } = await this.stamps.items.query<ItemDefinition>(query, options).fetchAll();
      const items = resources.slice(0, page.limit).map(parse);
      const last = items.at(-1);
      return resources.length > page.limit && last !== undefined
        ? { items, continuation: wrapToken(keyOf(last), digest) }
        : { items };
    } catch (thrown) {
      throw rethrowOwn(thrown) ?? mapCosmosError(thrown, what);
    }
  }

  async recordProcessedEvent(
    eventId: string,
    detail: { source: string; stampId?: string; at: string },
  ): Promise<boolean> {
    if (eventId.length === 0) throw new ValidationError('an event id is required', 'eventId');
    const doc = { ...detail, id: processedEventDocumentId(eventId), eventId, type: 'event' };
    try {
      await this.events.items.create(doc);
      return true;
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 409) return false;
      throw mapCosmosError(thrown, `record processed event '${eventId}'`);
    }
  }

  async isEventProcessed(eventId: string): Promise<boolean> {
    const id = processedEventDocumentId(eventId);
    return (
      (await readItem(this.events, { id, partitionKey: id }, `read processed event '${eventId}'`)) !==
      undefined
    );
  }

  getFleetSummary(): Promise<StoredFleetSummary> {
    return this.summary.get();
  }

  replaceFleetSummary(
    regions: Readonly<Record<string, RegionCounts>>,
    etag?: string,
  ): Promise<StoredFleetSummary> {
    return this.summary.replace(regions, etag);
  }

  getLedger(region: string): Promise<StoredLedger | undefined> {
    return this.ledgers.get(region);
  }

  ensureLedger(region: string, code: string): Promise<StoredLedger> {
    return this.ledgers.ensure(region, code);
  }

  replaceLedger(ledger: RegionLedger, etag: string): Promise<StoredLedger> {
    return this.ledgers.replace(ledger, etag);
  }

  schedulePurge(stampId: string, dueAt: string): Promise<void> {
    return this.purges.schedule(stampId, dueAt);
  }

  listPurgeDue(now: string): Promise<string[]> {
    return this.purges.listDue(now);
  }

  unschedulePurge(stampId: string, dueAt: string): Promise<void> {
    return this.purges.unschedule(stampId, dueAt);
  }

  private batch(
    partitionKey: string,
    operations: OperationInput[],
    what: string,
    classify: (index: number, status: number) => Error | undefined,
  ): Promise<OperationResponse[]> {
    return runBatch(this.stamps, partitionKey, operations, what, classify);
  }
}

/** The parameterized stamp query; filter values never go into the query text. */
function wrapToken(after: string | number, digest: string): string {
  return Buffer.from(JSON.stringify({ q: digest, a: after })).toString('base64url');
}

function unwrapToken(token: string, digest: string, type: 'string' | 'number'): string | number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    decoded = undefined;
  }
  const o = typeof decoded === 'object' && decoded !== null ? (decoded as Record<string, unknown>) : {};
  const after = o['a'];
  if (typeof o['q'] !== 'string' || typeof after !== type)
    throw new ValidationError('the continuation token is not one this API gave out', 'continuation');
  if (o['q'] !== digest)
    throw new ValidationError(
      'the continuation token belongs to another listing (another filter); pass the same filters as the first page',
      'continuation',
    );
  return after as string | number;
}

function stampQuery(filter: StampFilter): SqlQuerySpec {
  const conditions = ["c.type = 'stamp'"];
  const parameters: { name: string; value: string }[] = [];
  if (filter.phase !== undefined) {
    conditions.push('c.phase = @phase');
    parameters.push({ name: '@phase', value: filter.phase });
  }
  if (filter.region !== undefined) {
    conditions.push('c.region = @region');
    parameters.push({ name: '@region', value: filter.region });
  }
  return { query: `SELECT * FROM c WHERE ${conditions.join(' AND ')}`, parameters };
}

/** The stamp and its audit record must agree before they go into one batch. */
function checkTransition(stamp: Stamp, audit: AuditRecord): void {
  assertValidStamp(stamp);
  if (audit.stampId !== stamp.id) {
    throw new ValidationError(`audit record of '${audit.stampId}' given with stamp '${stamp.id}'`, 'stampId');
  }
  // stamp.ts: auditSeq counts the records written, so after this one it equals its seq.
  if (audit.seq !== stamp.auditSeq) {
    throw new ValidationError(
      `audit record ${audit.seq} of '${stamp.id}' does not match the stamp's auditSeq ${stamp.auditSeq}`,
      'seq',
    );
  }
}

function etagOf(result: OperationResponse | undefined, what: string): string {
  return requireEtag(result?.eTag, what);
}
