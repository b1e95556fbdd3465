import type { Container } from '@azure/cosmos';

import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { retryOnConflict } from '../../errors/retryOnConflict';
import {
  PURGE_INDEX_ID,
  type PurgeBucket,
  purgeBucketFromDocument,
  purgeBucketId,
  type PurgeIndex,
  purgeIndexFromDocument,
} from './documents';
import { cosmosStatusOf, mapCosmosError } from './errors';
import { readItem, writeItem } from './items';

const INDEX_KEY = { id: PURGE_INDEX_ID, partitionKey: PURGE_INDEX_ID };

/**
 * When each archived stamp is due for purge, without a cross-partition query: one bucket
 * document per day (`purge-due-{day}`: stamp id → due instant) and one index of the days that
 * have buckets. The sweep reads the index and the due days' buckets.
 */
export class PurgeSchedule {
  constructor(
    private readonly container: Container,
    private readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T> = retryOnConflict,
  ) {}

  async schedule(stampId: string, dueAt: string): Promise<void> {
    const day = dayOf(dueAt);
    await this.updateBucket(day, (entries) => ({ ...entries, [stampId]: dueAt }));
    // Bucket first, index second: see pruneDay for why this order never loses an entry.
    await this.addDayToIndex(day);
  }

  async listDue(now: string): Promise<string[]> {
    const nowMs = instantOf(now, 'now');
    const today = dayOf(now);
    const index = await this.readIndex();
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

  async unschedule(stampId: string, dueAt: string): Promise<void> {
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
   * A schedule writes its bucket before it reads the index: either that write precedes our
   * re-read (we re-list the day) or its index read follows our index write (it lists the day).
   * Giving up on a conflict is safe: an empty listed day costs the sweep one point read.
   */
  private async pruneDay(day: string): Promise<void> {
    const index = await this.readIndex();
    if (!index || !index.index.days.includes(day)) return;
    const bucket = await this.readBucket(day);
    if (bucket && Object.keys(bucket.bucket.entries).length > 0) return;
    try {
      await writeItem(
        this.container,
        INDEX_KEY,
        indexDocument(index.index.days.filter((d) => d !== day)),
        index.etag,
        `prune purge day ${day}`,
      );
    } catch (thrown) {
      if (thrown instanceof ConflictError) return;
      throw thrown;
    }
    if (bucket) {
      const id = purgeBucketId(day);
      try {
        await this.container
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
  private updateBucket(
    day: string,
    change: (entries: PurgeBucket['entries']) => PurgeBucket['entries'] | undefined,
  ): Promise<PurgeBucket['entries'] | undefined> {
    const id = purgeBucketId(day);
    return this.retry(`update purge bucket ${day}`, async () => {
      const current = await this.readBucket(day);
      const entries = change(current?.bucket.entries ?? {});
      if (entries === undefined) return undefined;
      try {
        await writeItem(
          this.container,
          { id, partitionKey: id },
          { id, type: 'purge-due', day, entries },
          current?.etag,
          `write purge bucket ${day}`,
        );
      } catch (thrown) {
        // Pruned since we read it: read again, as after any other lost race.
        if (thrown instanceof NotFoundError) throw new ConflictError(`purge bucket ${day} changed`);
        throw thrown;
      }
      return entries;
    });
  }

  private async addDayToIndex(day: string): Promise<void> {
    await this.retry('update purge index', async () => {
      const current = await this.readIndex();
      if (current?.index.days.includes(day)) return;
      const days = [...(current?.index.days ?? []), day].sort();
      await writeItem(this.container, INDEX_KEY, indexDocument(days), current?.etag, 'write purge index');
    });
  }

  private async readBucket(day: string): Promise<{ bucket: PurgeBucket; etag: string } | undefined> {
    const id = purgeBucketId(day);
    const doc = await readItem(this.container, { id, partitionKey: id }, `read purge bucket ${day}`);
    return doc ? { bucket: purgeBucketFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  private async readIndex(): Promise<{ index: PurgeIndex; etag: string } | undefined> {
    const doc = await readItem(this.container, INDEX_KEY, 'read purge index');
    return doc ? { index: purgeIndexFromDocument(doc.resource), etag: doc.etag } : undefined;
  }
}

function indexDocument(days: readonly string[]): Record<string, unknown> {
  return { id: PURGE_INDEX_ID, type: 'purge-index', days };
}

function dayOf(iso: string): string {
  return new Date(instantOf(iso, 'dueAt')).toISOString().slice(0, 10);
}

function instantOf(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ValidationError(`${field} '${iso}' is not an ISO instant`, field);
  return ms;
}
