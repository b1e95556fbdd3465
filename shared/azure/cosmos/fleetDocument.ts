import type { Container } from '@azure/cosmos';

import type { FleetMember } from '../../lifecycle/fleet';
import type { StoredFleet } from '../../ports/stampStore';
import { FLEET_DOCUMENT_ID, fleetFromDocument, toFleetDocument } from './documents';
import { readItem, writeItem } from './items';

const KEY = { id: FLEET_DOCUMENT_ID, partitionKey: FLEET_DOCUMENT_ID };

/**
 * The fleet document: every stamp's rotation and probe state in one document, claimed with
 * If-Match by the decisions whose guards look across regions (blast radius, minimum in rotation).
 */
export class FleetDocument {
  constructor(private readonly container: Container) {}

  async get(): Promise<StoredFleet> {
    const doc = await readItem(this.container, KEY, 'read the fleet');
    return doc ? { members: fleetFromDocument(doc.resource), etag: doc.etag } : { members: {} };
  }

  async replace(members: Readonly<Record<string, FleetMember>>, etag?: string): Promise<StoredFleet> {
    const written = await writeItem(this.container, KEY, toFleetDocument(members), etag, 'write the fleet');
    return { members, etag: written };
  }
}
