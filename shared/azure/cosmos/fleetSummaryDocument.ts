import type { Container } from '@azure/cosmos';

import type { RegionCounts } from '../../lifecycle/regionCounts';
import type { StoredFleetSummary } from '../../ports/stampStore';
import { FLEET_SUMMARY_DOCUMENT_ID, fleetSummaryFromDocument, toFleetSummaryDocument } from './documents';
import { readItem, writeItem } from './items';

const KEY = { id: FLEET_SUMMARY_DOCUMENT_ID, partitionKey: FLEET_SUMMARY_DOCUMENT_ID };

/**
 * The fleet summary: every region's blast-radius counts in one small document, claimed with
 * If-Match by the decisions that change them (docs/architecture.md §18).
 */
export class FleetSummaryDocument {
  constructor(private readonly container: Container) {}

  async get(): Promise<StoredFleetSummary> {
    const doc = await readItem(this.container, KEY, 'read the fleet summary');
    return doc ? { regions: fleetSummaryFromDocument(doc.resource), etag: doc.etag } : { regions: {} };
  }

  async replace(regions: Readonly<Record<string, RegionCounts>>, etag?: string): Promise<StoredFleetSummary> {
    const what = 'write the fleet summary';
    const written = await writeItem(this.container, KEY, toFleetSummaryDocument(regions), etag, what);
    return { regions, etag: written };
  }
}
