import { randomUUID } from 'node:crypto';

import { WAKE_EVENT } from '../shared/app/orchestration/stampLifecycleOrchestrator';
import type { StampEvent } from '../shared/lifecycle/events';
import { ManualClock } from '../shared/local/clock/manualClock';
import type { EmbeddedCosmos } from '../shared/local/cosmos';
import { LocalControlPlane } from '../shared/local/localControlPlane';
import { median, timed } from './stats';

const T0 = new Date('2026-06-01T00:00:00.000Z');

/**
 * B5: the time of one orchestrator episode (an event in the inbox, a wake-up raised, replay,
 * applyStampEvents, back to waiting) for a stamp whose orchestration has handled 10 events and
 * for one that has handled 1,000, on the LocalDurableRuntime with instances in Cosmos DB.
 * The events are health recoveries of a healthy stamp: decided, audited as nothing, consumed.
 */
export async function measureReplay(
  cosmos: EmbeddedCosmos,
  few: number,
  many: number,
  reps: number,
): Promise<{ few: number; many: number }> {
  const plane = new LocalControlPlane({
    env: {},
    clock: new ManualClock(T0),
    port: 0,
    seed: true,
    cosmos,
    databaseName: `bench-replay-${randomUUID().slice(0, 8)}`,
  });
  await plane.start();
  let n = 0;
  const episode = async (stampId: string): Promise<void> => {
    n += 1;
    const event: StampEvent = {
      type: 'HealthProbeRecovered',
      id: `bench-${stampId}-${n}`,
      alertId: `bench-${n}`,
      observedAt: T0.toISOString(),
    };
    await plane.services.store.enqueueEvent(stampId, event);
    await plane.runtime.raiseEvent(stampId, WAKE_EVENT, null);
    await plane.idle();
  };
  try {
    await plane.idle();
    for (let i = 0; i < few; i += 1) await episode('weu-001');
    for (let i = 0; i < many; i += 1) await episode('weu-002');
    const fewSamples: number[] = [];
    const manySamples: number[] = [];
    for (let r = 0; r < reps; r += 1) {
      fewSamples.push(await timed(() => episode('weu-001')));
      manySamples.push(await timed(() => episode('weu-002')));
    }
    return { few: median(fewSamples), many: median(manySamples) };
  } finally {
    await plane.stop();
  }
}
