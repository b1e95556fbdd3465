import { createHash } from 'node:crypto';

import { readLedgers } from './fleet';
import type { Services } from './serviceTypes';

/**
 * A short fingerprint of the fleet as a dashboard shows it: the ETags of the fleet summary and of
 * each region's ledger (every change of a stamp's phase, rotation or probe state, every desired
 * count and spare writes one). Equal fingerprints: nothing a dashboard draws from
 * them changed. A few point reads, no query.
 */
export async function fleetSignature(svc: Pick<Services, 'store' | 'config'>): Promise<string> {
  const [fleet, ledgers] = await Promise.all([
    svc.store.getFleetSummary(),
    readLedgers(svc.store, svc.config.policy),
  ]);
  const etags = [fleet.etag ?? '', ...ledgers.map((l) => `${l.ledger.region}:${l.etag}`)];
  return createHash('sha256').update(etags.join('|')).digest('base64url').slice(0, 22);
}
