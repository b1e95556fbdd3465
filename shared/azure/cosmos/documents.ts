import { z } from 'zod';

import { InvalidDocumentError, ValidationError } from '../../errors';
import { effectSchema } from '../../lifecycle/effectSchema';
import { stampEventSchema } from '../../lifecycle/eventSchema';
import { fleetMemberSchema } from '../../lifecycle/fleet';
import { regionBlockSchema } from '../../lifecycle/regionBlock';
import type { RegionCounts } from '../../lifecycle/regionCounts';
import { desiredChangeSchema } from '../../lifecycle/regionDesired';
import { capacitySignalSchema, regionStatusSchema } from '../../lifecycle/regionStatus';
import {
  type AuditRecord,
  parseStoredAuditRecord,
  parseStoredStamp,
  type Stamp,
  stampSchema,
} from '../../lifecycle/stamp';
import type { RegionLedger, StampInbox } from '../../ports/stampStore';

/** Properties Cosmos DB adds to every item; never part of the domain objects. */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

export type DocumentType = 'stamp' | 'audit' | 'inbox';

/** The inbox document of a stamp, in the stamp's partition. */
export const INBOX_DOCUMENT_ID = 'inbox';

/** `audit-000001`: zero-padded so ids sort in sequence order too. */
export function auditDocumentId(seq: number): string {
  return `audit-${String(seq).padStart(6, '0')}`;
}

export function ledgerDocumentId(region: string): string {
  return `region-${region}`;
}

export function purgeBucketId(day: string): string {
  return `purge-due-${day}`;
}

export const PURGE_INDEX_ID = 'purge-index';

/** The stamp document: the stamp itself plus its partition key and type tag. */
export function toStampDocument(stamp: Stamp): Record<string, unknown> {
  return { ...stamp, id: stamp.id, stampId: stamp.id, type: 'stamp' satisfies DocumentType };
}

export function toAuditDocument(audit: AuditRecord): Record<string, unknown> {
  return {
    ...audit,
    id: auditDocumentId(audit.seq),
    stampId: audit.stampId,
    type: 'audit' satisfies DocumentType,
  };
}

/**
 * A stored stamp document back to a `Stamp`: system properties and storage-only fields go, the
 * rest must match the schema exactly (no defaults), else InvalidDocumentError naming id and field.
 */
export function stampFromDocument(doc: unknown): Stamp {
  const body = withoutSystemProperties(doc);
  const { type, stampId, ...stamp } = body;
  const id = typeof stamp['id'] === 'string' ? stamp['id'] : '(no id)';
  if (type !== 'stamp')
    throw new InvalidDocumentError(id, 'type', `expected 'stamp', got ${JSON.stringify(type)}`);
  if (stampId !== stamp['id']) {
    throw new InvalidDocumentError(
      id,
      'stampId',
      `partition key ${JSON.stringify(stampId)} is not the stamp id`,
    );
  }
  return parseStoredStamp(stamp);
}

/** A stored audit document back to an `AuditRecord`; its error names `{stampId}/audit-{seq}`. */
export function auditFromDocument(doc: unknown): AuditRecord {
  const body = withoutSystemProperties(doc);
  const { type, id, ...record } = body;
  const name = `${String(record['stampId'])}/${String(id)}`;
  if (type !== 'audit')
    throw new InvalidDocumentError(name, 'type', `expected 'audit', got ${JSON.stringify(type)}`);
  // The schema has no `id`; the error names the document by its partition and id.
  const audit = parseStoredAuditRecord({ ...record, id: name });
  if (id !== auditDocumentId(audit.seq)) {
    throw new InvalidDocumentError(name, 'seq', `seq ${audit.seq} does not match the document id`);
  }
  return audit;
}

const isoInstant = z.iso.datetime({ offset: true });

const traceSchema = z.object({ traceparent: z.string().min(1).max(128), at: isoInstant });

const inboxSchema = z.object({
  stampId: z.string().min(1),
  pending: z.array(stampEventSchema),
  recent: z.array(z.string()),
  lastBatch: z
    .object({ key: z.string().min(1), effects: z.array(effectSchema), trace: traceSchema.optional() })
    .optional(),
  trace: traceSchema.optional(),
});

export function toInboxDocument(inbox: StampInbox): Record<string, unknown> {
  return { ...inbox, id: INBOX_DOCUMENT_ID, type: 'inbox' satisfies DocumentType };
}

export function inboxFromDocument(doc: unknown): StampInbox {
  const { type, id, ...body } = withoutSystemProperties(doc);
  const name = `${String(body['stampId'])}/${String(id)}`;
  if (type !== 'inbox' || id !== INBOX_DOCUMENT_ID) {
    throw new InvalidDocumentError(name, 'type', `expected the inbox document, got ${JSON.stringify(type)}`);
  }
  return parseDocument(inboxSchema, name, body);
}

const regionLedgerSchema = z.object({
  region: z.string().min(1),
  code: z.string().min(1),
  lastSeq: z.number().int().min(0),
  members: z.record(z.string(), fleetMemberSchema),
  lastScaleOutAt: isoInstant.optional(),
  lastScaleInAt: isoInstant.optional(),
  desired: z.number().int().min(0).optional(),
  desiredChanges: z.array(desiredChangeSchema).optional(),
  block: regionBlockSchema.optional(),
  status: regionStatusSchema.optional(),
  capacitySignal: capacitySignalSchema.optional(),
});

export function toLedgerDocument(ledger: RegionLedger): Record<string, unknown> {
  return { ...ledger, id: ledgerDocumentId(ledger.region), type: 'ledger' };
}

export function ledgerFromDocument(doc: unknown): RegionLedger {
  const { type, ...body } = withoutSystemProperties(doc);
  const id = typeof body['id'] === 'string' ? body['id'] : '(no id)';
  if (type !== 'ledger')
    throw new InvalidDocumentError(id, 'type', `expected 'ledger', got ${JSON.stringify(type)}`);
  const ledger = parseDocument(regionLedgerSchema, id, body);
  if (id !== ledgerDocumentId(ledger.region)) {
    throw new InvalidDocumentError(id, 'region', `region '${ledger.region}' does not match the document id`);
  }
  return ledger;
}

/**
 * The fleet summary's id. A deployment from before the summary kept every member in a document
 * called 'fleet'; that document is no longer read (the summary is built from the region ledgers
 * when it is missing) and may be deleted.
 */
export const FLEET_SUMMARY_DOCUMENT_ID = 'fleet-summary';

const countSchema = z.number().int().nonnegative();
const regionCountsSchema = z.object({
  base: countSchema,
  failing: countSchema,
  healthyInRotation: countSchema,
});
const fleetSummarySchema = z.object({ regions: z.record(z.string(), regionCountsSchema) });

export function toFleetSummaryDocument(
  regions: Readonly<Record<string, RegionCounts>>,
): Record<string, unknown> {
  return { id: FLEET_SUMMARY_DOCUMENT_ID, type: 'fleet-summary', regions };
}

export function fleetSummaryFromDocument(doc: unknown): Record<string, RegionCounts> {
  const { type, ...body } = withoutSystemProperties(doc);
  if (type !== 'fleet-summary')
    throw new InvalidDocumentError(
      FLEET_SUMMARY_DOCUMENT_ID,
      'type',
      `expected 'fleet-summary', got ${JSON.stringify(type)}`,
    );
  return parseDocument(fleetSummarySchema, FLEET_SUMMARY_DOCUMENT_ID, body).regions;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

const purgeBucketSchema = z.object({
  day: z.string().regex(dayPattern),
  /** stampId → dueAt (ISO instant). */
  entries: z.record(z.string(), isoInstant),
});
export type PurgeBucket = z.infer<typeof purgeBucketSchema>;

const purgeIndexSchema = z.object({
  /** Days (`YYYY-MM-DD`, ascending) whose bucket may hold entries. */
  days: z.array(z.string().regex(dayPattern)),
});
export type PurgeIndex = z.infer<typeof purgeIndexSchema>;

export function purgeBucketFromDocument(doc: unknown): PurgeBucket {
  const body = withoutSystemProperties(doc);
  return parseDocument(purgeBucketSchema, String(body['id']), body);
}

export function purgeIndexFromDocument(doc: unknown): PurgeIndex {
  const body = withoutSystemProperties(doc);
  return parseDocument(purgeIndexSchema, String(body['id']), body);
}

/** Checks a stamp before it is written, so that nothing unreadable is ever stored. */
export function assertValidStamp(stamp: Stamp): void {
  const result = stampSchema.safeParse(stamp);
  if (result.success) return;
  const issue = result.error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '(stamp)';
  throw new ValidationError(`stamp '${stamp.id}' is invalid at '${field}': ${issue?.message ?? ''}`, field, {
    cause: result.error,
  });
}

function withoutSystemProperties(doc: unknown): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidDocumentError('(no id)', '(document)', 'not a JSON object');
  }
  const body: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const key of SYSTEM_PROPERTIES) delete body[key];
  return body;
}

/** A stored document through its schema, or InvalidDocumentError naming the document and the field. */
export function parseDocument<T>(schema: z.ZodType<T>, id: string, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(document)';
  throw new InvalidDocumentError(id, field, issue?.message ?? 'does not match the schema', {
    cause: result.error,
  });
}
