import { NotFoundError } from '../errors';
import { type CanaryComparison, poolSamples } from '../lifecycle/canary';
import type { FleetMember } from '../lifecycle/fleet';
import { readLedgers } from './fleet';
import type { Services } from './services';

/**
 * The stamps a canary is compared with: the others of its region in rotation, healthy, not
 * ramping; when its region has none (its only stamp, or all ramping), the same of the whole
 * fleet, so that a lone stamp is still compared with something rather than passed unseen.
 */
export function canaryPeers(members: readonly FleetMember[], stampId: string, region: string): string[] {
  const settled = members.filter(
    (m) =>
      m.id !== stampId &&
      m.phase === 'active' &&
      m.traffic === 'in-rotation' &&
      m.probe === 'healthy' &&
      m.ramping !== true,
  );
  const home = settled.filter((m) => m.region === region);
  return (home.length > 0 ? home : settled).map((m) => m.id).sort();
}

/**
 * Reads a ramping stamp's current step against its peers over the step's bake: the activity
 * behind the `compare-canary` effect. The verdict is the pure core's (`judgeCanary`).
 */
export async function compareCanary(svc: Services, stampId: string): Promise<CanaryComparison> {
  const stamp = (await svc.store.get(stampId))?.stamp;
  if (stamp === undefined) throw new NotFoundError(`there is no stamp '${stampId}'`);
  const ledgers = await readLedgers(svc.store, svc.config.policy);
  const peers = canaryPeers(
    ledgers.flatMap((l) => Object.values(l.ledger.members)),
    stampId,
    stamp.region,
  );
  const now = svc.clock.now().toISOString();
  const traffic = await svc.originMetrics.trafficOf({
    stampIds: [stampId, ...peers],
    from: stamp.ramp?.stepSince ?? stamp.phaseSince,
    to: now,
  });
  const none = { requests: 0, errorPercent: 0, latencyMs: 0 };
  return {
    from: traffic.from,
    to: traffic.to,
    stamp: traffic.byStamp[stampId] ?? none,
    ...(peers.length === 0
      ? {}
      : { peers: { stampIds: peers, ...poolSamples(peers.map((id) => traffic.byStamp[id] ?? none)) } }),
  };
}
