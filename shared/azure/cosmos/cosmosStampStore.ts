import { createHash } from 'node:crypto';

import type {
  Container,
  CosmosClient,
  ItemDefinition,
  JSONObject,
  OperationInput,
  OperationResponse,
  SqlQuerySpec,
} from '@azure/cosmos';

import {
  ConflictError,
  InvalidDocumentError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '../../errors';
import type { StampEvent } from '../../lifecycle/events';
import { stampEventSchema } from '../../lifecycle/eventSchema';
import type { FleetMember } from '../../lifecycle/fleet';
import type { AuditRecord, Stamp } from '../../lifecycle/stamp';
import { formatStampId } from '../../lifecycle/stampNames';
import {
  type DecisionBatch,
  type RegionLedger,
  type StampFilter,
  type StampInbox,
  type StampStore,
  type StoredFleet,
  type StoredInbox,
  type StoredLedger,
  type StoredStamp,
} from '../../ports/stampStore';
import { DEFAULT_CONTAINER_NAMES, type StampsContainerNames } from './database';
import {
  assertValidStamp,
  auditFromDocument,
  FLEET_DOCUMENT_ID,
  fleetFromDocument,
  INBOX_DOCUMENT_ID,
  inboxFromDocument,
  ledgerDocumentId,
  ledgerFromDocument,
  PURGE_INDEX_ID,
  type PurgeBucket,
  purgeBucketFromDocument,
  purgeBucketId,
  purgeIndexFromDocument,
  stampFromDocument,
  toAuditDocument,
  toFleetDocument,
  toInboxDocument,
  toLedgerDocument,
  toStampDocument,
} from './documents';
import { cosmosStatusOf, isTransientStatus, mapCosmosError } from './errors';

export interface CosmosStampStoreOptions {
  readonly client: CosmosClient;
  readonly databaseName: string;
  readonly containers?: Partial<StampsContainerNames>;
  /** Items per page when `list` pages through a query (default 500). */
  readonly listPageSize?: number;
  /** Attempts of an If-Match read-modify-write before giving up with ConflictError (default 20). */
  readonly maxConflictRetries?: number;
}

export interface StampPage {
  readonly stamps: Stamp[];
  /** Pass back to get the next page; absent on the last page. */
  readonly continuationToken?: string;
}

/** The Cosmos adapter of the StampStore port, plus paging for callers that show the fleet. */
export interface CosmosStampStore extends StampStore {
  /** One page of `list`, ordered as Cosmos returns it; the token is opaque. */
  listPage(filter: StampFilter, page: { pageSize: number; continuationToken?: string }): Promise<StampPage>;
}

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

/** `weu-001`, `weu-1000`: three digits at least, more once a region passes 999 stamps. */

/**
 * Cosmos ids cannot hold `/ \ ? #` and are at most 255 characters, while an event id may be an
 * Azure resource id (alert ids are). Such ids are stored under a hash; the original is kept in
 * the document.
 */
export function processedEventDocumentId(eventId: string): string {
  const safe = eventId.length <= 200 && !/[/\\?#]/.test(eventId) && eventId.trim() === eventId;
  return safe ? eventId : `sha256-${createHash('sha256').update(eventId).digest('hex')}`;
}

const ID_SAFE = /^[^/\\?#\s]{1,100}$/;

class CosmosStampStoreImpl implements CosmosStampStore {
  private readonly stamps: Container;
  private readonly ledger: Container;
  private readonly events: Container;
  private readonly listPageSize: number;
  private readonly maxConflictRetries: number;

  constructor(options: CosmosStampStoreOptions) {
    const names = { ...DEFAULT_CONTAINER_NAMES, ...options.containers };
    const database = options.client.database(options.databaseName);
    this.stamps = database.container(names.stamps);
    this.ledger = database.container(names.ledger);
    this.events = database.container(names.events);
    this.listPageSize = options.listPageSize ?? 500;
    this.maxConflictRetries = options.maxConflictRetries ?? 20;
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
    const doc = await this.readItem(this.stamps, id, id, `read stamp '${id}'`);
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

  async listPage(
    filter: StampFilter,
    page: { pageSize: number; continuationToken?: string },
  ): Promise<StampPage> {
    try {
      const iterator = this.stamps.items.query<ItemDefinition>(stampQuery(filter), {
        maxItemCount: page.pageSize,
        ...(page.continuationToken !== undefined ? { continuationToken: page.continuationToken } : {}),
      });
      const response = await iterator.fetchNext();
      const token = iterator.hasMoreResults() ? response.continuationToken : undefined;
      return {
        stamps: response.resources.map(stampFromDocument),
        ...(token !== undefined ? { continuationToken: token } : {}),
      };
    } catch (thrown) {
      throw rethrowOwn(thrown) ?? mapCosmosError(thrown, 'list stamps');
    }
  }

  async replace(stamp: Stamp, etag: string): Promise<StoredStamp> {
    assertValidStamp(stamp);
    const what = `replace stamp '${stamp.id}'`;
    try {
      const response = await this.stamps
        .item(stamp.id, stamp.id)
        .replace(json(toStampDocument(stamp)), { accessCondition: { type: 'IfMatch', condition: etag } });
      return { stamp, etag: requireEtag(response.etag, what) };
    } catch (thrown) {
      throw rethrowOwn(thrown) ?? mapCosmosError(thrown, what);
    }
  }

  async commitTransition(stamp: Stamp, etag: string, audit: AuditRecord): Promise<StoredStamp> {
    checkTransition(stamp, audit);
    const what = `commit transition ${audit.seq} of stamp '${stamp.id}'`;
    const results = await this.batch(
      stamp.id,
      [
        // The partition key is repeated on the operation: the embedded server reads it there.
        {
          operationType: 'Replace',
          id: stamp.id,
          partitionKey: stamp.id,
          ifMatch: etag,
          resourceBody: json(toStampDocument(stamp)),
        },
        { operationType: 'Create', resourceBody: json(toAuditDocument(audit)) },
      ],
      what,
      (index, status) => {
        if (index === 0 && status === 412)
          return new ConflictError(`${what}: the stamp changed (ETag mismatch)`);
        if (index === 0 && status === 404) return new NotFoundError(`${what}: the stamp does not exist`);
        if (index === 1 && status === 409)
          return new ConflictError(`${what}: this transition was already written`);
        return undefined;
      },
    );
    return { stamp, etag: etagOf(results[0], what) };
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

  async enqueueEvent(stampId: string, event: StampEvent): Promise<'queued' | 'duplicate'> {
    const parsed = stampEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new ValidationError(
        `event for '${stampId}' is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
        'event',
      );
    }
    return this.withConflictRetries(`enqueue event '${event.id}' for '${stampId}'`, async () => {
      const { inbox, etag } = await this.readInbox(stampId);
      if (inbox.recent.includes(event.id) || inbox.pending.some((pending) => pending.id === event.id)) {
        return 'duplicate';
      }
      const next: StampInbox = { ...inbox, pending: [...inbox.pending, parsed.data] };
      const what = `enqueue event for '${stampId}'`;
      try {
        if (etag === undefined) await this.stamps.items.create(json(toInboxDocument(next)));
        else {
          await this.stamps
            .item(INBOX_DOCUMENT_ID, stampId)
            .replace(json(toInboxDocument(next)), { accessCondition: { type: 'IfMatch', condition: etag } });
        }
      } catch (thrown) {
        const status = cosmosStatusOf(thrown);
        if (status === 409) throw new ConflictError(`${what}: created concurrently`);
        throw mapCosmosError(thrown, what);
      }
      return 'queued';
    });
  }

  async readInbox(stampId: string): Promise<StoredInbox> {
    const doc = await this.readItem(this.stamps, INBOX_DOCUMENT_ID, stampId, `read inbox of '${stampId}'`);
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
    return (await this.readItem(this.events, id, id, `read processed event '${eventId}'`)) !== undefined;
  }

  async allocateStampId(region: string, code: string): Promise<string> {
    checkName('region', region);
    checkName('code', code);
    return this.withConflictRetries(`allocate a stamp id in '${region}'`, async () => {
      const stored = (await this.getLedger(region)) ?? (await this.ensureLedger(region, code));
      const seq = stored.ledger.lastSeq + 1;
      await this.replaceLedger({ ...stored.ledger, lastSeq: seq }, stored.etag);
      return formatStampId(code, seq);
    });
  }

  async getFleet(): Promise<StoredFleet> {
    const doc = await this.readItem(this.ledger, FLEET_DOCUMENT_ID, FLEET_DOCUMENT_ID, 'read the fleet');
    return doc ? { members: fleetFromDocument(doc.resource), etag: doc.etag } : { members: {} };
  }

  async replaceFleet(members: Readonly<Record<string, FleetMember>>, etag?: string): Promise<StoredFleet> {
    const what = 'write the fleet';
    try {
      const response =
        etag === undefined
          ? await this.ledger.items.create(json(toFleetDocument(members)))
          : await this.ledger
              .item(FLEET_DOCUMENT_ID, FLEET_DOCUMENT_ID)
              .replace(json(toFleetDocument(members)), {
                accessCondition: { type: 'IfMatch', condition: etag },
              });
      return { members, etag: requireEtag(response.etag, what) };
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 409) throw new ConflictError(`${what}: created concurrently`);
      throw mapCosmosError(thrown, what);
    }
  }

  async getLedger(region: string): Promise<StoredLedger | undefined> {
    const id = ledgerDocumentId(region);
    const doc = await this.readItem(this.ledger, id, id, `read ledger of '${region}'`);
    return doc ? { ledger: ledgerFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  async ensureLedger(region: string, code: string): Promise<StoredLedger> {
    checkName('region', region);
    checkName('code', code);
    const existing = await this.getLedger(region);
    if (existing) return existing;
    const ledger: RegionLedger = { region, code, lastSeq: 0, members: {} };
    const what = `create ledger of '${region}'`;
    try {
      const response = await this.ledger.items.create(json(toLedgerDocument(ledger)));
      return { ledger, etag: requireEtag(response.etag, what) };
    } catch (thrown) {
      if (cosmosStatusOf(thrown) !== 409) throw mapCosmosError(thrown, what);
    }
    // Another instance created it between our read and create: theirs is the ledger.
    const created = await this.getLedger(region);
    if (!created) throw new ConflictError(`${what}: created concurrently and then gone`);
    return created;
  }

  async replaceLedger(ledger: RegionLedger, etag: string): Promise<StoredLedger> {
    const what = `replace ledger of '${ledger.region}'`;
    const id = ledgerDocumentId(ledger.region);
    try {
      const response = await this.ledger
        .item(id, id)
        .replace(json(toLedgerDocument(ledger)), { accessCondition: { type: 'IfMatch', condition: etag } });
      return { ledger, etag: requireEtag(response.etag, what) };
    } catch (thrown) {
      throw mapCosmosError(thrown, what);
    }
  }

  async schedulePurge(stampId: string, dueAt: string): Promise<void> {
    const day = dayOf(dueAt);
    await this.updateBucket(day, (entries) => ({ ...entries, [stampId]: dueAt }));
    // Bucket first, index second: see pruneDay for why this order never loses an entry.
    await this.addDayToIndex(day);
  }

  async listPurgeDue(now: string): Promise<string[]> {
    const nowMs = instantOf(now, 'now');
    const today = dayOf(now);
    const index = await this.readPurgeIndex();
    if (!index) return [];
    const dueDays = index.index.days.filter((day) => day <= today);
    const buckets = await Promise.all(dueDays.map((day) => this.readBucket(day)));
    const due: { id: string; at: number }[] = [];
    for (const bucket of buckets) {
      for (const [id, dueAt] of Object.entries(bucket?.bucket.entries ?? {})) {
        const at = Date.parse(dueAt);
        if (at <= nowMs) due.push({ id, at });
      }
    }
    return due
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((entry) => entry.id);
  }

  async unschedulePurge(stampId: string, dueAt: string): Promise<void> {
    const day = dayOf(dueAt);
    const remaining = await this.updateBucket(day, (entries) => {
      if (!(stampId in entries)) return undefined;
      const { [stampId]: _removed, ...rest } = entries;
      return rest;
    });
    if (remaining === undefined || Object.keys(remaining).length > 0) return;
    await this.pruneDay(day);
  }

  /**
   * Drops an emptied day from the index, then deletes its bucket (If-Match, so a bucket that
   * gained an entry survives) and reads the bucket again, re-listing the day if it holds entries.
   * A schedulePurge writes its bucket before it reads the index: either that write precedes our
   * re-read (we re-list the day) or its index read follows our index write (it lists the day).
   * Giving up on a conflict is safe: an empty listed day costs the sweep one point read.
   */
  private async pruneDay(day: string): Promise<void> {
    const index = await this.readPurgeIndex();
    if (!index || !index.index.days.includes(day)) return;
    const bucket = await this.readBucket(day);
    if (bucket && Object.keys(bucket.bucket.entries).length > 0) return;
    const id = purgeBucketId(day);
    try {
      await this.ledger
        .item(PURGE_INDEX_ID, PURGE_INDEX_ID)
        .replace(
          { id: PURGE_INDEX_ID, type: 'purge-index', days: index.index.days.filter((d) => d !== day) },
          { accessCondition: { type: 'IfMatch', condition: index.etag } },
        );
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 412) return;
      throw mapCosmosError(thrown, `prune purge day ${day}`);
    }
    if (bucket) {
      try {
        await this.ledger
          .item(id, id)
          .delete({ accessCondition: { type: 'IfMatch', condition: bucket.etag } });
      } catch (thrown) {
        const status = cosmosStatusOf(thrown);
        if (status !== 412 && status !== 404) throw mapCosmosError(thrown, `delete purge bucket ${day}`);
      }
    }
    const again = await this.readBucket(day);
    if (again && Object.keys(again.bucket.entries).length > 0) await this.addDayToIndex(day);
  }

  /** Read-modify-write of a day bucket; `change` returning undefined means "nothing to do". */
  private async updateBucket(
    day: string,
    change: (entries: PurgeBucket['entries']) => PurgeBucket['entries'] | undefined,
  ): Promise<PurgeBucket['entries'] | undefined> {
    const id = purgeBucketId(day);
    return this.withConflictRetries(`update purge bucket ${day}`, async () => {
      const current = await this.readBucket(day);
      const entries = change(current?.bucket.entries ?? {});
      if (entries === undefined) return undefined;
      const doc = { id, type: 'purge-due', day, entries };
      try {
        if (current) {
          await this.ledger
            .item(id, id)
            .replace(doc, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        } else {
          await this.ledger.items.create(doc);
        }
      } catch (thrown) {
        // 404: pruned since we read it; 409: created since we read it. Either way, read again.
        const status = cosmosStatusOf(thrown);
        if (status === 404 || status === 409) throw new ConflictError(`purge bucket ${day} changed`);
        throw mapCosmosError(thrown, `write purge bucket ${day}`);
      }
      return entries;
    });
  }

  private async addDayToIndex(day: string): Promise<void> {
    await this.withConflictRetries('update purge index', async () => {
      const current = await this.readPurgeIndex();
      if (current?.index.days.includes(day)) return;
      const days = [...(current?.index.days ?? []), day].sort();
      const doc = { id: PURGE_INDEX_ID, type: 'purge-index', days };
      try {
        if (current) {
          await this.ledger
            .item(PURGE_INDEX_ID, PURGE_INDEX_ID)
            .replace(doc, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        } else {
          await this.ledger.items.create(doc);
        }
      } catch (thrown) {
        if (cosmosStatusOf(thrown) === 409) throw new ConflictError('purge index created concurrently');
        throw mapCosmosError(thrown, 'write purge index');
      }
    });
  }

  private async readBucket(day: string): Promise<{ bucket: PurgeBucket; etag: string } | undefined> {
    const id = purgeBucketId(day);
    const doc = await this.readItem(this.ledger, id, id, `read purge bucket ${day}`);
    return doc ? { bucket: purgeBucketFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  private async readPurgeIndex(): Promise<
    { index: ReturnType<typeof purgeIndexFromDocument>; etag: string } | undefined
  > {
    const doc = await this.readItem(this.ledger, PURGE_INDEX_ID, PURGE_INDEX_ID, 'read purge index');
    return doc ? { index: purgeIndexFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  /** A point read; undefined on 404 (the SDK answers a missing item without throwing). */
  private async readItem(
    container: Container,
    id: string,
    partitionKey: string,
    what: string,
  ): Promise<{ resource: ItemDefinition; etag: string } | undefined> {
    try {
      const response = await container.item(id, partitionKey).read<ItemDefinition>();
      if (response.statusCode === 404 || response.resource === undefined) return undefined;
      return {
        resource: response.resource,
        etag: requireEtag(response.etag ?? response.resource._etag, what),
      };
    } catch (thrown) {
      if (cosmosStatusOf(thrown) === 404) return undefined;
      throw mapCosmosError(thrown, what);
    }
  }

  /**
   * Runs a transactional batch in one partition. The SDK does not throw when an operation fails:
   * every status is checked here. `classify` names the errors specific to the caller's operations.
   */
  private async batch(
    partitionKey: string,
    operations: OperationInput[],
    what: string,
    classify: (index: number, status: number) => Error | undefined,
  ): Promise<OperationResponse[]> {
    let results: OperationResponse[];
    try {
      const response = await this.stamps.items.batch(operations, partitionKey);
      results = response.result ?? [];
    } catch (thrown) {
      const status = cosmosStatusOf(thrown);
      if (status !== undefined) throw mapCosmosError(thrown, what);
      // @azure/cosmos 4.9.3 re-throws a failed batch request as a plain Error, dropping the
      // status (its own 429 retries are already spent by then); no operation was applied.
      throw new TransientError(`${what}: the batch request failed`, 'CosmosBatchRequest', { cause: thrown });
    }
    if (results.length !== operations.length) {
      throw new Error(`${what}: ${results.length} batch results for ${operations.length} operations`);
    }
    const failed = results.findIndex((result) => result.statusCode >= 400 && result.statusCode !== 424);
    if (failed >= 0) {
      const status = results[failed]?.statusCode ?? 0;
      const specific = classify(failed, status);
      if (specific) throw specific;
      if (isTransientStatus(status)) {
        throw new TransientError(`${what}: operation ${failed} answered ${status}`, `Cosmos${status}`);
      }
      throw new Error(`${what}: operation ${failed} failed with ${status}; the batch was rolled back`);
    }
    if (results.some((result) => result.statusCode >= 400)) {
      throw new Error(`${what}: the batch was rolled back without a failing operation`);
    }
    return results;
  }

  private async withConflictRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (thrown) {
        if (!(thrown instanceof ConflictError)) throw thrown;
        if (tries >= this.maxConflictRetries) {
          throw new ConflictError(`${what}: still conflicting after ${tries} attempts`, { cause: thrown });
        }
        // Exponential backoff with full jitter: racing writers spread apart instead of
        // colliding again in lockstep, so a small bound on attempts is enough.
        await sleep(Math.random() * Math.min(250, 4 * 2 ** tries));
      }
    }
  }
}

/** The parameterized stamp query; filter values never go into the query text. */
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

function checkName(field: string, value: string): void {
  if (!ID_SAFE.test(value))
    throw new ValidationError(`${field} '${value}' cannot be part of a document id`, field);
}

function dayOf(iso: string): string {
  return new Date(instantOf(iso, 'dueAt')).toISOString().slice(0, 10);
}

function instantOf(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ValidationError(`${field} '${iso}' is not an ISO instant`, field);
  return ms;
}

function etagOf(result: OperationResponse | undefined, what: string): string {
  return requireEtag(result?.eTag, what);
}

function requireEtag(etag: string | undefined, what: string): string {
  if (etag === undefined || etag === '') throw new Error(`${what}: Cosmos DB returned no ETag`);
  return etag;
}

/** Our own typed errors (e.g. InvalidDocumentError while parsing a page) pass through unmapped. */
function rethrowOwn(thrown: unknown): Error | undefined {
  return thrown instanceof ValidationError || thrown instanceof InvalidDocumentError ? thrown : undefined;
}

function json(doc: Record<string, unknown>): JSONObject {
  // Domain objects are plain JSON by construction (zod schemas of strings, numbers, records).
  return doc as JSONObject;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
