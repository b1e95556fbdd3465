import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { archiveBlobName, createBlobRecordArchive } from '../../shared/azure';
import { ConflictError, TerminalError } from '../../shared/errors';
import { type LocalBlobStorage, startLocalBlobStorage } from '../../shared/local/storage';
import { perSuite } from '../support/lifetime';

/**
 * The archive adapter with the real `@azure/storage-blob` client against Azurite (started here,
 * as a child process on a free port) behind the WORM stand-in: what is written comes back, a
 * retry is answered from the stored blob, and immutability is enforced as Azure enforces it.
 */
const T0 = new Date('2026-06-01T00:00:00.000Z');
const RETAIN_UNTIL = '2026-07-01T00:00:00.000Z';
let current = T0;
const clock = {
  now: () => current,
  set: (at: Date) => {
    current = at;
  },
};
const WORM = 'archives';

describe('contract: the blob record archive on Azurite with the WORM stand-in', () => {
  const storage = perSuite(
    () => startLocalBlobStorage({ clock, wormContainers: [WORM] }),
    (s) => s.stop(),
  );

  function service(s: LocalBlobStorage, key = s.accountKey): BlobServiceClient {
    return new BlobServiceClient(s.accountUrl, new StorageSharedKeyCredential(s.accountName, key));
  }

  async function freshArchive(containerName = WORM) {
    clock.set(T0);
    const container = service(storage()).getContainerClient(containerName);
    await container.createIfNotExists();
    const stampId = `weu-${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
    const archive = createBlobRecordArchive({ container: () => Promise.resolve(container), clock });
    return { archive, container, stampId, blob: container.getBlockBlobClient(archiveBlobName(stampId)) };
  }

  it('writes once with a retention policy and a legal hold, and reads it back', async () => {
    const { archive, stampId } = await freshArchive();
    const content = `{"stamp":"${stampId}"}\n`;
    const { location } = await archive.write(stampId, content, RETAIN_UNTIL);
    assert.match(location, new RegExp(`/devstoreaccount1/${WORM}/stamps/${stampId}/archive\\.json$`));
    assert.deepEqual(await archive.read(stampId), {
      location,
      content,
      hold: { retainUntil: RETAIN_UNTIL, mode: 'Locked', legalHold: true },
    });
    assert.equal(await archive.read('weu-999999'), undefined);
  });

  it('answers a retry with the same bytes from the stored blob, and refuses other bytes', async () => {
    const { archive, stampId } = await freshArchive();
    const first = await archive.write(stampId, 'one', RETAIN_UNTIL);
    assert.deepEqual(await archive.write(stampId, 'one', RETAIN_UNTIL), first);
    await assert.rejects(archive.write(stampId, 'two', RETAIN_UNTIL), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.equal(error.code, 'ArchiveMismatch');
      return true;
    });
    assert.equal((await archive.read(stampId))?.content, 'one', 'the archive was not replaced');
  });

  // Azure refuses the metadata change and the shortened, unlocked or deleted policy the same way.
  // It accepts the delete and the overwrite (versioning keeps the protected version); the
  // stand-in, which keeps no versions, refuses them (README, Known gaps).
  it('refuses to delete, overwrite or shorten a protected blob (409 BlobImmutableDueToPolicy)', async () => {
    const { archive, blob, stampId } = await freshArchive();
    await archive.write(stampId, 'kept', RETAIN_UNTIL);
    const refusals = [
      () => blob.delete(),
      () => blob.upload('changed', 7),
      () => blob.setMetadata({ changed: 'yes' }),
      // If-None-Match exempts only the creating Put Blob (which Azurite answers BlobAlreadyExists).
      () => blob.setMetadata({ changed: 'yes' }, { conditions: { ifNoneMatch: '*' } }),
      () =>
        blob.setImmutabilityPolicy({ expiriesOn: new Date('2026-06-02T00:00:00Z'), policyMode: 'Locked' }),
      () => blob.setImmutabilityPolicy({ expiriesOn: new Date(RETAIN_UNTIL), policyMode: 'Unlocked' }),
      () => blob.deleteImmutabilityPolicy(),
    ];
    for (const refused of refusals) {
      await assert.rejects(refused(), (error: { statusCode?: number; code?: string }) => {
        assert.equal(error.statusCode, 409);
        assert.equal(error.code, 'BlobImmutableDueToPolicy');
        return true;
      });
    }
    // A Locked policy can be extended.
    await blob.setImmutabilityPolicy({ expiriesOn: new Date('2026-08-01T00:00:00Z'), policyMode: 'Locked' });
    assert.equal((await archive.read(stampId))?.content, 'kept');
  });

  it('keeps the legal hold before retention ends, releases it after, and the blob then can go', async () => {
    const { archive, blob, stampId } = await freshArchive();
    await archive.write(stampId, 'records', RETAIN_UNTIL);
    clock.set(new Date('2026-06-30T23:59:00.000Z'));
    await assert.rejects(archive.release(stampId, RETAIN_UNTIL), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.equal(error.code, 'RetentionNotElapsed');
      return true;
    });
    assert.equal((await archive.read(stampId))?.hold.legalHold, true, 'nothing changed');

    clock.set(new Date('2026-07-01T00:00:01.000Z'));
    // The policy has ended; the legal hold alone still keeps it.
    await assert.rejects(blob.delete(), (error: { statusCode?: number; code?: string }) => {
      assert.equal(error.statusCode, 409);
      assert.equal(error.code, 'BlobImmutableDueToLegalHold');
      return true;
    });
    assert.equal(await archive.release(stampId, RETAIN_UNTIL), 'released');
    assert.deepEqual((await archive.read(stampId))?.hold, {
      retainUntil: RETAIN_UNTIL,
      mode: 'Locked',
      legalHold: false,
    });
    assert.equal(await archive.release('weu-999998', RETAIN_UNTIL), 'absent');
    await blob.delete();
    assert.equal(await archive.read(stampId), undefined);
  });

  it("refuses the release when the blob's own policy runs longer than the stamp's retention", async () => {
    const { archive, blob, stampId } = await freshArchive();
    await archive.write(stampId, 'records', RETAIN_UNTIL);
    await blob.setImmutabilityPolicy({ expiriesOn: new Date('2026-09-01T00:00:00Z'), policyMode: 'Locked' });
    clock.set(new Date('2026-07-02T00:00:00.000Z'));
    await assert.rejects(archive.release(stampId, RETAIN_UNTIL), /retention policy until 2026-09-01/);
  });

  it('authenticates every request through Azurite: a wrong key is 403, even for the stand-in operations', async () => {
    const { archive, stampId } = await freshArchive();
    await archive.write(stampId, 'records', RETAIN_UNTIL);
    const wrong = service(storage(), Buffer.from(randomUUID().repeat(2)).toString('base64'))
      .getContainerClient(WORM)
      .getBlockBlobClient(archiveBlobName(stampId));
    for (const call of [() => wrong.setLegalHold(false), () => wrong.getProperties(), () => wrong.delete()]) {
      await assert.rejects(call(), (error: { statusCode?: number }) => error.statusCode === 403);
    }
  });

  it('refuses immutability on a container without version-level immutability', async () => {
    const { archive, stampId } = await freshArchive('plain');
    await assert.rejects(archive.write(stampId, 'records', RETAIN_UNTIL), (error: unknown) => {
      assert.ok(error instanceof ConflictError, String(error));
      assert.match(String((error as Error).message), /ImmutableStorageWithVersioningNotEnabled/);
      return true;
    });
  });
});
