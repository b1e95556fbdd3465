import { createBlobRecordArchive } from '../../azure/blobRecordArchive';
import { lazy } from '../../azure/lazy';
import type { Clock } from '../../ports/clock';
import type { RecordArchive } from '../../ports/recordArchive';
import type { LocalBlobStorage } from './localBlobStorage';

/**
 * The archive the local control plane uses: the same Blob adapter as on Azure, against local
 * blob storage (Azurite behind the WORM stand-in) with Azurite's account key. The storage starts
 * on the first archive, so a run that archives nothing never starts Azurite; the container is
 * created then too.
 */
export function createLocalRecordArchive(options: {
  readonly clock: Clock;
  readonly container: string;
  readonly storage: () => Promise<LocalBlobStorage>;
}): RecordArchive {
  return createBlobRecordArchive({
    clock: options.clock,
    container: lazy(async () => {
      const storage = await options.storage();
      const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
      const service = new BlobServiceClient(
        storage.accountUrl,
        new StorageSharedKeyCredential(storage.accountName, storage.accountKey),
      );
      const container = service.getContainerClient(options.container);
      await container.createIfNotExists();
      return container;
    }),
  });
}
