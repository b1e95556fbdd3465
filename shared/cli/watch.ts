import type { ApiClient } from './client';
import { toHistory, toStamps, type TransitionView } from './views';

export interface Transition extends TransitionView {
  readonly stampId: string;
}

/**
 * Finds new audit records by polling. The list answer has no history, so a stamp's history is
 * fetched only when its summary (phase, traffic, last cause) changed since the last poll, or when
 * it is new: one list call per poll in a quiet fleet.
 */
export class TransitionTracker {
  private readonly seen = new Map<string, { signature: string; count: number }>();

  constructor(private readonly api: ApiClient) {}

  /** New transitions since the previous poll, oldest first. The first poll reports every one. */
  async poll(): Promise<Transition[]> {
    const stamps = toStamps(await this.api.call('GET', '/api/stamps'));
    const fresh: Transition[] = [];
    for (const stamp of stamps) {
      const signature = JSON.stringify([stamp.phase, stamp.traffic, stamp.phaseSince, stamp.cause]);
      const known = this.seen.get(stamp.id);
      if (known?.signature === signature) continue;
      const history = toHistory(await this.api.call('GET', `/api/stamps/${encodeURIComponent(stamp.id)}`));
      const from = known?.count ?? 0;
      fresh.push(...history.slice(from).map((t) => ({ ...t, stampId: stamp.id })));
      this.seen.set(stamp.id, { signature, count: history.length });
    }
    return fresh.sort((a, b) => a.at.localeCompare(b.at));
  }
}
