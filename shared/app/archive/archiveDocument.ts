import { z } from 'zod';

import { ValidationError } from '../../errors';
import { PHASES } from '../../lifecycle/phase';
import { type AuditRecord, auditRecordSchema, quarantineSchema, type Stamp } from '../../lifecycle/stamp';
import { CHAIN_ALGORITHM, type ChainLink, chainRecords } from './hashChain';

/**
 * The archive of a retired stamp: its audit trail up to the moment it was archived, chained by
 * hash, the results of its quarantine checks and a summary of its life. Written once as JSON to
 * immutable storage; its content is fixed by the stored records alone, so a retried write
 * produces the same bytes.
 */
export const ARCHIVE_FORMAT = 'synaxis-stamps/archive@1';

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const instant = z.iso.datetime({ offset: true });

const summarySchema = z.object({
  createdAt: instant,
  archivedAt: instant,
  /** Milliseconds in each phase the stamp went through, from its audit records. */
  msInPhase: z.partialRecord(z.enum(PHASES), z.number().int().min(0)),
  transitions: z.number().int().min(0),
  /** Requests a guard refused (they are audited too). */
  refusals: z.number().int().min(0),
  overrides: z.number().int().min(0),
});
export type ArchiveSummary = z.infer<typeof summarySchema>;

export const archiveDocumentSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  stampId: z.string().min(1),
  region: z.string().min(1),
  retainUntil: instant,
  chain: z.object({ algorithm: z.literal(CHAIN_ALGORITHM), head: hex, records: z.number().int().min(1) }),
  records: z.array(z.object({ record: auditRecordSchema, previous: hex, hash: hex })),
  quarantine: quarantineSchema.optional(),
  summary: summarySchema,
});
export type ArchiveDocument = z.infer<typeof archiveDocumentSchema>;

/** The records an archive holds: every record up to and including the one of entering `archived`. */
export function recordsToArchive(stampId: string, history: readonly AuditRecord[]): AuditRecord[] {
  const sorted = [...history].sort((a, b) => a.seq - b.seq);
  const archivedAt = sorted.findIndex((record) => record.to === 'archived' && record.from !== 'archived');
  if (archivedAt < 0) {
    throw new ValidationError(`stamp '${stampId}' has no audit record of being archived`, 'history');
  }
  return sorted.slice(0, archivedAt + 1);
}

export function summarise(records: readonly AuditRecord[]): ArchiveSummary {
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined)
    throw new ValidationError('no audit records to summarise', 'history');
  const msInPhase: Partial<Record<(typeof PHASES)[number], number>> = {};
  let entered = first;
  for (const record of records.slice(1)) {
    if (record.from === record.to) continue;
    const spent = Date.parse(record.at) - Date.parse(entered.at);
    msInPhase[entered.to] = (msInPhase[entered.to] ?? 0) + Math.max(0, spent);
    entered = record;
  }
  return {
    createdAt: first.at,
    archivedAt: last.at,
    msInPhase,
    transitions: records.filter((record) => record.refused === undefined).length,
    refusals: records.filter((record) => record.refused !== undefined).length,
    overrides: records.filter((record) => record.cause.overriddenGuard !== undefined).length,
  };
}

export function buildArchiveDocument(
  stamp: Stamp,
  history: readonly AuditRecord[],
  retainUntil: string,
): ArchiveDocument {
  const records = recordsToArchive(stamp.id, history);
  const { links, head } = chainRecords(stamp.id, records);
  return {
    format: ARCHIVE_FORMAT,
    stampId: stamp.id,
    region: stamp.region,
    retainUntil,
    chain: { algorithm: CHAIN_ALGORITHM, head, records: links.length },
    records: links,
    ...(stamp.quarantine === undefined ? {} : { quarantine: stamp.quarantine }),
    summary: summarise(records),
  };
}

/** The bytes written: stable member order (as built), two-space indentation for a reader. */
export function serialiseArchive(document: ArchiveDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Parses stored archive text; a document that is not an archive fails naming the first bad field. */
export function parseArchive(stampId: string, content: string): ArchiveDocument {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ValidationError(`the archive of '${stampId}' is not JSON`, 'archive');
  }
  const parsed = archiveDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `the archive of '${stampId}' is not a ${ARCHIVE_FORMAT} document: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      'archive',
    );
  }
  return parsed.data;
}

export type { ChainLink };
