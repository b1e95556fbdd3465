import { createHash } from 'node:crypto';

import type { AuditRecord } from '../../lifecycle/stamp';
import { canonicalJson } from '../../text/canonicalJson';

/**
 * A hash chain over a stamp's audit records: each link's hash is SHA-256 over the previous
 * link's hash and the record's canonical JSON, and the first link starts from a hash of the
 * stamp's id. Changing, dropping, reordering or inserting a record changes every hash after it,
 * so one digest (the head) stands for the whole trail.
 */
export interface ChainLink {
  readonly record: AuditRecord;
  readonly previous: string;
  readonly hash: string;
}

export const CHAIN_ALGORITHM = 'sha256';

function sha256(text: string): string {
  return createHash(CHAIN_ALGORITHM).update(text, 'utf8').digest('hex');
}

export function genesisHash(stampId: string): string {
  return sha256(`synaxis-stamps/archive-chain/v1\n${stampId}`);
}

export function linkHash(previous: string, record: AuditRecord): string {
  return sha256(`${previous}\n${canonicalJson(record)}`);
}

/** Chains the records in the order given (the caller sorts by `seq`). */
export function chainRecords(
  stampId: string,
  records: readonly AuditRecord[],
): { readonly links: ChainLink[]; readonly head: string } {
  let previous = genesisHash(stampId);
  const links = records.map((record) => {
    const hash = linkHash(previous, record);
    const link = { record, previous, hash };
    previous = hash;
    return link;
  });
  return { links, head: previous };
}

/**
 * What is wrong with a chain, one sentence per fault (empty when it holds): a record of another
 * stamp, a gap or reordering in `seq`, a link not pointing at the one before, a hash that does
 * not match its record, or a head other than the last hash.
 */
export function chainProblems(stampId: string, links: readonly ChainLink[], head: string): string[] {
  const problems: string[] = [];
  let previous = genesisHash(stampId);
  links.forEach((link, index) => {
    const { record } = link;
    if (record.stampId !== stampId) problems.push(`record ${index + 1} belongs to '${record.stampId}'`);
    if (record.seq !== index + 1) problems.push(`record ${index + 1} has seq ${record.seq}`);
    if (link.previous !== previous)
      problems.push(`record ${record.seq} does not link to the record before it`);
    if (linkHash(link.previous, record) !== link.hash)
      problems.push(`record ${record.seq} does not match its hash (it was changed after it was chained)`);
    previous = link.hash;
  });
  if (previous !== head) problems.push(`the chain ends at ${previous}, not at its recorded head ${head}`);
  return problems;
}
