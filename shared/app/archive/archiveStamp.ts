import { NotFoundError, ValidationError } from '../../errors';
import type { ArchiveState } from '../../lifecycle/stamp';
import type { Services } from '../serviceTypes';
import { buildArchiveDocument, serialiseArchive } from './archiveDocument';

/**
 * Writes a just-archived stamp's archive: its audit records up to entering `archived` as a hash
 * chain, its quarantine results and a summary, immutable until the stamp's purge is due. The
 * content depends only on stored records, so a retry writes the same bytes and the archive
 * answers the same location. Returns what the `RecordsArchived` event records.
 */
export async function archiveStamp(
  svc: Pick<Services, 'store' | 'archive'>,
  stampId: string,
): Promise<ArchiveState> {
  const stored = await svc.store.get(stampId);
  if (stored === undefined) throw new NotFoundError(`there is no stamp '${stampId}' to archive`);
  const { stamp } = stored;
  const purgeDueAt = stamp.deadlines.purgeDueAt;
  if (purgeDueAt === undefined) {
    throw new ValidationError(
      `stamp '${stampId}' is ${stamp.phase} and has no purge date to retain its archive until`,
      'stamp',
    );
  }
  // Blob immutability dates travel as RFC 1123 (whole seconds): rounded up, the policy never ends
  // before the purge is due, and the date read back equals the one recorded.
  const retainUntil = new Date(Math.ceil(Date.parse(purgeDueAt) / 1000) * 1000).toISOString();
  const document = buildArchiveDocument(stamp, await svc.store.history(stampId), retainUntil);
  const { location } = await svc.archive.write(stampId, serialiseArchive(document), retainUntil);
  return { location, digest: document.chain.head, records: document.chain.records, retainUntil };
}
