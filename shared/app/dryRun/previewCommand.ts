import { decide } from '../../lifecycle/decide';
import type { StampEvent } from '../../lifecycle/events';
import { readGuards, readLedgers } from '../fleet';
import type { Services } from '../services';
import { afterwards, type Preview } from './preview';

/**
 * An event for a stamp (an operator's command, a health signal), decided as `submitOperatorEvent`
 * decides a command when it arrives, and as the stamp's orchestration then decides it if nothing
 * happened in between; nothing is queued.
 */
export async function previewStampEvent(
  svc: Services,
  stampId: string,
  event: StampEvent,
): Promise<Preview | undefined> {
  const { store, config, clock } = svc;
  const stored = await store.get(stampId);
  if (stored === undefined) return undefined;
  const stamp = stored.stamp;
  const { view } = await readGuards(store, config.policy, stamp);
  const decision = decide(stamp, event, config.policy, clock.now().toISOString(), view);
  const ledgers = await readLedgers(store, config.policy);
  const summary = `${event.type} for ${stampId} (${stamp.phase}, ${stamp.traffic})`;
  if (decision.outcome === 'refused' || decision.outcome === 'ignored') {
    // Nothing would change: the capacity afterwards is the capacity now.
    const unchanged = await afterwards(svc, ledgers, { region: stamp.region });
    return decision.outcome === 'refused'
      ? {
          dryRun: true,
          outcome: 'refused',
          summary,
          effects: [],
          guard: decision.guard,
          reason: decision.reason,
          ...unchanged,
        }
      : { dryRun: true, outcome: 'ignored', summary, effects: [], reason: decision.detail, ...unchanged };
  }
  return {
    dryRun: true,
    outcome: 'accepted',
    summary,
    transition: {
      stampId,
      from: { phase: stamp.phase, traffic: stamp.traffic },
      to: { phase: decision.stamp.phase, traffic: decision.stamp.traffic },
    },
    effects: decision.effects,
    ...(await afterwards(svc, ledgers, { region: stamp.region, stamp: decision.stamp })),
  };
}
