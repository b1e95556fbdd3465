/**
 * Immutable storage for a retired stamp's records (on Azure a blob container with version-level
 * WORM; locally Azurite behind a stand-in that enforces WORM as Azure does). One archive per
 * stamp, written once and never replaced.
 */
export interface ArchiveHold {
  /** The time-based retention policy's end, when the blob has one. */
  readonly retainUntil?: string;
  readonly mode?: 'Locked' | 'Unlocked';
  readonly legalHold: boolean;
}

export interface StoredArchive {
  /** The blob's URL. */
  readonly location: string;
  readonly content: string;
  readonly hold: ArchiveHold;
}

export interface RecordArchive {
  /**
   * Writes the stamp's archive, immutable until `retainUntil` and under a legal hold. A retry
   * with the same content finds it written and answers the same location; other content under
   * the same name is a `TerminalError` (`ArchiveMismatch`): an archive is never replaced.
   */
  write(stampId: string, content: string, retainUntil: string): Promise<{ readonly location: string }>;
  /** The archive as stored, or undefined if there is none. */
  read(stampId: string): Promise<StoredArchive | undefined>;
  /**
   * Removes the archive's legal hold once its retention ended (purge). Before `retainUntil`, or
   * while the blob's own retention policy runs, it refuses with a `TerminalError`
   * (`RetentionNotElapsed`) and changes nothing. The blob stays; a missing one is `absent`.
   */
  release(stampId: string, retainUntil: string): Promise<'released' | 'absent'>;
}
