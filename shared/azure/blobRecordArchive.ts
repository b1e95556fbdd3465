import { TerminalError } from '../errors';
import type { Clock } from '../ports/clock';
import type { ArchiveHold, RecordArchive, StoredArchive } from '../ports/recordArchive';
import { armCodeOf, mapAzureError, statusOf } from './errors';

/**
 * `RecordArchive` on Azure Blob Storage (`@azure/storage-blob`): one block blob per stamp,
 * `stamps/{stampId}/archive.json`, in a container with version-level immutability (WORM).
 *
 * - The write is a Put Blob with `If-None-Match: *`, a time-based retention policy until the
 *   purge date (`x-ms-immutability-policy-until-date`, mode `Locked` by default: it can then only
 *   be extended, never shortened or deleted) and a legal hold (`x-ms-legal-hold: true`), all in
 *   the one request, so no moment exists where the blob is written but not protected.
 * - A retry finds `409 BlobAlreadyExists`, reads the blob and answers its location when the
 *   bytes are the same; other bytes are a `TerminalError` (`ArchiveMismatch`): never replaced.
 * - Release (purge) clears the legal hold once the retention ended; the blob and its expired
 *   policy stay (a lifecycle rule of the account may delete it later).
 * https://learn.microsoft.com/azure/storage/blobs/immutable-version-level-worm-policies
 * https://learn.microsoft.com/rest/api/storageservices/put-blob
 */
/** The calls of `@azure/storage-blob`'s `BlockBlobClient` the archive makes (12.32.0). */
export interface ArchiveBlobClient {
  readonly url: string;
  upload(
    body: string,
    contentLength: number,
    options: {
      conditions: { ifNoneMatch: string };
      blobHTTPHeaders: { blobContentType: string };
      immutabilityPolicy: { expiriesOn: Date; policyMode: 'Locked' | 'Unlocked' };
      legalHold: boolean;
    },
  ): Promise<unknown>;
  downloadToBuffer(): Promise<Buffer>;
  getProperties(): Promise<{
    immutabilityPolicyExpiresOn?: Date;
    immutabilityPolicyMode?: string;
    legalHold?: boolean;
  }>;
  setLegalHold(legalHoldEnabled: boolean): Promise<unknown>;
}

/** `ContainerClient`, as far as the archive uses it. */
export interface ArchiveContainerClient {
  getBlockBlobClient(blobName: string): ArchiveBlobClient;
}

export interface BlobRecordArchiveOptions {
  /** Built on first use (the SDK loads then). */
  readonly container: () => Promise<ArchiveContainerClient>;
  readonly clock: Pick<Clock, 'now'>;
  /** Default `Locked`; `Unlocked` lets an administrator shorten or remove the policy (test accounts). */
  readonly policyMode?: 'Locked' | 'Unlocked';
}

export function archiveBlobName(stampId: string): string {
  return `stamps/${stampId}/archive.json`;
}

export function createBlobRecordArchive(options: BlobRecordArchiveOptions): RecordArchive {
  const { container, clock } = options;
  const policyMode = options.policyMode ?? 'Locked';
  const blobOf = async (stampId: string) => (await container()).getBlockBlobClient(archiveBlobName(stampId));

  async function read(stampId: string): Promise<StoredArchive | undefined> {
    const blob = await blobOf(stampId);
    try {
      const buffer = await blob.downloadToBuffer();
      const properties = await blob.getProperties();
      const hold: ArchiveHold = {
        ...(properties.immutabilityPolicyExpiresOn === undefined
          ? {}
          : { retainUntil: properties.immutabilityPolicyExpiresOn.toISOString() }),
        ...policyModeOf(properties.immutabilityPolicyMode),
        legalHold: properties.legalHold === true,
      };
      return { location: blob.url, content: buffer.toString('utf8'), hold };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw mapAzureError(error, `reading the archive of ${stampId}`);
    }
  }

  return {
    async write(stampId, content, retainUntil) {
      const blob = await blobOf(stampId);
      try {
        await blob.upload(content, Buffer.byteLength(content, 'utf8'), {
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
          immutabilityPolicy: { expiriesOn: new Date(retainUntil), policyMode },
          legalHold: true,
        });
        return { location: blob.url };
      } catch (error) {
        if (statusOf(error) !== 409 || armCodeOf(error) !== 'BlobAlreadyExists')
          throw mapAzureError(error, `writing the archive of ${stampId}`);
      }
      const existing = await read(stampId);
      if (existing?.content === content) return { location: existing.location };
      // No retry can make other bytes equal: terminal, so an incident says so at once.
      throw new TerminalError(
        `the archive of ${stampId} at ${blob.url} holds other records; an archive is never replaced`,
        'ArchiveMismatch',
      );
    },

    read,

    async release(stampId, retainUntil) {
      const now = clock.now();
      if (now.getTime() < Date.parse(retainUntil)) {
        throw new TerminalError(
          `the archive of ${stampId} is retained until ${retainUntil}; its legal hold stays until then`,
          'RetentionNotElapsed',
        );
      }
      const blob = await blobOf(stampId);
      let expiresOn: Date | undefined;
      try {
        expiresOn = (await blob.getProperties()).immutabilityPolicyExpiresOn;
      } catch (error) {
        if (statusOf(error) === 404) return 'absent';
        throw mapAzureError(error, `reading the archive of ${stampId}`);
      }
      if (expiresOn !== undefined && now.getTime() < expiresOn.getTime()) {
        throw new TerminalError(
          `the archive of ${stampId} is under a retention policy until ${expiresOn.toISOString()}; its legal hold stays until then`,
          'RetentionNotElapsed',
        );
      }
      try {
        await blob.setLegalHold(false);
      } catch (error) {
        throw mapAzureError(error, `releasing the legal hold of the archive of ${stampId}`);
      }
      return 'released';
    },
  };
}

/** The service answers the mode in lower case (`locked`); the SDK passes it through as is. */
function policyModeOf(mode: string | undefined): { mode?: 'Locked' | 'Unlocked' } {
  const lower = mode?.toLowerCase();
  if (lower === 'locked') return { mode: 'Locked' };
  if (lower === 'unlocked') return { mode: 'Unlocked' };
  return {};
}
