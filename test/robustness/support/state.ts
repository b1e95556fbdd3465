import type { LocalControlPlane } from '../../../shared/local/localControlPlane';

/**
 * Everything a refused request must leave as it was: every stamp document, its audit length and
 * inbox (pending and consumed ids), every region ledger and the fleet summary. Read straight from
 * the store (not the API), so a change the API does not show still counts.
 */
export async function stateSnapshot(plane: LocalControlPlane): Promise<string> {
  const { store, config } = plane.services;
  const stamps = (await store.list()).sort((a, b) => a.id.localeCompare(b.id));
  const perStamp = [];
  for (const stamp of stamps) {
    const inbox = await store.readInbox(stamp.id);
    perStamp.push({ stamp, pending: inbox.inbox.pending, recent: inbox.inbox.recent });
  }
  const ledgers = [];
  for (const region of config.policy.regions) ledgers.push((await store.getLedger(region.name))?.ledger);
  const summary = await store.getFleetSummary();
  return JSON.stringify({ perStamp, ledgers, summary: summary.regions, summaryEtag: summary.etag });
}

/** The inbox of a stamp id that has no stamp document (a signal for an unknown stamp must not create one). */
export async function strayInbox(plane: LocalControlPlane, stampId: string): Promise<boolean> {
  const inbox = await plane.services.store.readInbox(stampId);
  return inbox.etag !== undefined;
}
