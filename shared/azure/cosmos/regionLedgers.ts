import type { Container } from '@azure/cosmos';

import { ConflictError } from '../../errors';
import type { RegionLedger, StoredLedger } from '../../ports/stampStore';
import { ledgerDocumentId, ledgerFromDocument, toLedgerDocument } from './documents';
import { checkName, readItem, writeItem } from './items';

/**
 * The capacity ledger of each region: one small document per region in the ledger container,
 * claimed with If-Match by every decision that changes the region's stamps.
 */
export class RegionLedgers {
  constructor(private readonly container: Container) {}

  async get(region: string): Promise<StoredLedger | undefined> {
    const id = ledgerDocumentId(region);
    const doc = await readItem(this.container, { id, partitionKey: id }, `read ledger of '${region}'`);
    return doc ? { ledger: ledgerFromDocument(doc.resource), etag: doc.etag } : undefined;
  }

  async ensure(region: string, code: string): Promise<StoredLedger> {
    checkName('region', region);
    checkName('code', code);
    const existing = await this.get(region);
    if (existing) return existing;
    try {
      return await this.write(
        { region, code, lastSeq: 0, members: {} },
        undefined,
        `create ledger of '${region}'`,
      );
    } catch (thrown) {
      if (!(thrown instanceof ConflictError)) throw thrown;
    }
    // Another instance created it between our read and create: theirs is the ledger.
    const created = await this.get(region);
    if (!created) throw new ConflictError(`create ledger of '${region}': created concurrently and then gone`);
    return created;
  }

  replace(ledger: RegionLedger, etag: string): Promise<StoredLedger> {
    return this.write(ledger, etag, `replace ledger of '${ledger.region}'`);
  }

  private async write(ledger: RegionLedger, etag: string | undefined, what: string): Promise<StoredLedger> {
    const id = ledgerDocumentId(ledger.region);
    const key = { id, partitionKey: id };
    return { ledger, etag: await writeItem(this.container, key, toLedgerDocument(ledger), etag, what) };
  }
}
