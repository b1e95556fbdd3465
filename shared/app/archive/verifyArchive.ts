import { ValidationError } from '../../errors';
import type { AuditRecord, Stamp } from '../../lifecycle/stamp';
import type { ArchiveHold } from '../../ports/recordArchive';
import { canonicalJson } from '../../text/canonicalJson';
import type { Services } from '../serviceTypes';
import { type ArchiveDocument, parseArchive } from './archiveDocument';
import { chainProblems } from './hashChain';

/** What `GET /api/stamps/{id}/archive` answers: the archive as read back, and whether it holds. */
export interface ArchiveVerification {
  readonly stampId: string;
  readonly location: string;
  /** The digest the audit trail recorded when the archive was written. */
  readonly digest: string;
  readonly records: number;
  readonly retainUntil: string;
  /** True when every check below found nothing wrong. */
  readonly verified: boolean;
  /** One sentence per fault found; empty when verified. */
  readonly problems: readonly string[];
  readonly hold: ArchiveHold | undefined;
  readonly document: ArchiveDocument | undefined;
}

/**
 * Reads a stamp's archive back and verifies it: the blob exists and parses, its hash chain holds,
 * its head is the digest the audit trail recorded, the records in the store still equal the
 * archived ones, and (until the purge) it is under its legal hold and retention policy.
 * Undefined when the stamp has not been archived.
 */
export async function verifyArchive(
  svc: Pick<Services, 'archive'>,
  stamp: Stamp,
  history: readonly AuditRecord[],
): Promise<ArchiveVerification | undefined> {
  const recorded = stamp.archive;
  if (recorded === undefined) return undefined;
  const problems: string[] = [];
  const stored = await svc.archive.read(stamp.id);
  let document: ArchiveDocument | undefined;
  if (stored === undefined) {
    problems.push(`the archive blob ${recorded.location} is missing`);
  } else {
    try {
      document = parseArchive(stamp.id, stored.content);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(error.message);
    }
  }
  if (document !== undefined) {
    problems.push(...chainProblems(stamp.id, document.records, document.chain.head));
    if (document.chain.head !== recorded.digest)
      problems.push(
        `the archive's chain head ${document.chain.head} is not the digest ${recorded.digest} the audit trail recorded`,
      );
    if (document.records.length !== recorded.records)
      problems.push(
        `the archive holds ${document.records.length} records; the audit trail says ${recorded.records}`,
      );
    problems.push(...storeDifferences(document, history));
  }
  const writeRecord = history.find((record) => record.archive !== undefined);
  if (writeRecord?.archive?.digest !== recorded.digest)
    problems.push(`no audit record holds the archive's digest ${recorded.digest}`);
  if (stored !== undefined && stamp.phase === 'archived')
    problems.push(...holdProblems(stored.hold, recorded.retainUntil));
  return {
    stampId: stamp.id,
    location: recorded.location,
    digest: recorded.digest,
    records: recorded.records,
    retainUntil: recorded.retainUntil,
    verified: problems.length === 0,
    problems,
    hold: stored?.hold,
    document,
  };
}

/** Records the store holds that differ from the archived ones (the store is not immutable). */
function storeDifferences(document: ArchiveDocument, history: readonly AuditRecord[]): string[] {
  const bySeq = new Map(history.map((record) => [record.seq, record]));
  const problems: string[] = [];
  for (const { record } of document.records) {
    const current = bySeq.get(record.seq);
    if (current === undefined)
      problems.push(`audit record ${record.seq} is archived but no longer in the store`);
    else if (canonicalJson(current) !== canonicalJson(record))
      problems.push(`audit record ${record.seq} in the store differs from the archived one`);
  }
  return problems;
}

function holdProblems(hold: ArchiveHold, retainUntil: string): string[] {
  const problems: string[] = [];
  if (!hold.legalHold)
    problems.push('the archive is not under its legal hold, though the stamp is not purged');
  if (hold.retainUntil === undefined || Date.parse(hold.retainUntil) < Date.parse(retainUntil))
    problems.push(
      `the archive's retention policy ends ${hold.retainUntil ?? 'never set'}, before ${retainUntil}`,
    );
  return problems;
}
