import { randomUUID } from 'node:crypto';

import { ManualClock } from '../shared/local/clock/manualClock';
import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { LocalControlPlane } from '../shared/local/localControlPlane';
import { advance } from './convergence';

const T0 = new Date('2026-06-01T00:00:00.000Z');
const MINUTE = 60_000;
const STEP_MINUTES = 0.5;
const CAP_MINUTES = 120;

export interface ReplacementResult {
  readonly spares: number;
  /** Simulated minutes from the failed stamp's health alert to its replacement serving. */
  readonly minutes: number;
  readonly replacement: string;
  /** How the replacement came: a promoted spare, or a stamp built for it. */
  readonly promoted: boolean;
}

/**
 * One replacement on the seeded fleet: weu-001 fails; the clock runs in half-minute steps until
 * a stamp that replaces it serves, that is active in rotation with its Front Door origin enabled
 * and Healthy. Measured from the failing stamp's health alert (its `observedAt`), in simulated
 * minutes, so the figure is the lifecycle's and not this machine's speed.
 */
export async function measureReplacement(cosmos: EmbeddedCosmos, spares: number): Promise<ReplacementResult> {
  const clock = new ManualClock(T0);
  const plane = new LocalControlPlane({
    env: { STAMPS_SPARES_PER_REGION: String(spares) },
    clock,
    port: 0,
    seed: true,
    cosmos,
    databaseName: `bench-spare-${randomUUID().slice(0, 8)}`,
    log: () => undefined,
  });
  await plane.start();
  try {
    const store = plane.services.store;
    await (await fetch(`${plane.origin}/sim/stamps/weu-001/fail`, { method: 'POST' })).arrayBuffer();
    await plane.idle();
    for (let waited = 0; waited < CAP_MINUTES; waited += STEP_MINUTES) {
      await advance(plane, clock, STEP_MINUTES);
      const failed = (await store.get('weu-001'))?.stamp;
      const replacementId = failed?.replacedBy;
      const alertAt = failed?.health.observedAt;
      if (replacementId === undefined || alertAt === undefined) continue;
      const replacement = (await store.get(replacementId))?.stamp;
      const origin = plane.sim.state().origins.find((o) => o.stampId === replacementId);
      if (
        replacement?.phase === 'active' &&
        replacement.traffic === 'in-rotation' &&
        origin?.enabledState === 'Enabled' &&
        origin.health === 'Healthy'
      ) {
        const history = await store.history(replacementId);
        return {
          spares,
          minutes: (clock.now().getTime() - Date.parse(alertAt)) / MINUTE,
          replacement: replacementId,
          promoted: history.some((h) => h.cause.kind === 'replacement'),
        };
      }
    }
    throw new Error(
      `no replacement of weu-001 served within ${CAP_MINUTES} simulated minutes (spares ${spares})`,
    );
  } finally {
    await plane.stop();
  }
}
