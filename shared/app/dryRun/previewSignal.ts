import type { StampSignal } from '../../lifecycle/alerts/classifyAlert';
import { effectiveDesired } from '../../lifecycle/regionDesired';
import { decideScaling } from '../../lifecycle/scaling';
import { fleetFromLedgers, readLedgers } from '../fleet';
import type { Services } from '../services';
import { afterwards, type Preview } from './preview';
import { previewStampEvent } from './previewCommand';

/**
 * What an alert's stamp signal would do: a health signal is decided by the stamp (as its
 * orchestration would when the signal reaches the inbox), a capacity signal by the pure scaling
 * decision (cooldown, bounds) of its region. Undefined: the stamp is not in the fleet.
 */
export async function previewSignal(svc: Services, signal: StampSignal): Promise<Preview | undefined> {
  if (signal.type === 'HealthProbeFailed' || signal.type === 'HealthProbeRecovered') {
    return previewStampEvent(svc, signal.stampId, {
      type: signal.type,
      id: signal.eventId,
      alertId: signal.alertId,
      observedAt: signal.observedAt,
    });
  }
  const { store, config, clock } = svc;
  const ledgers = await readLedgers(store, config.policy);
  const home = ledgers.find((l) => l.ledger.members[signal.stampId] !== undefined)?.ledger;
  if (home === undefined) return undefined;
  const summary = `${signal.type} from ${signal.stampId} (${home.region})`;
  if (signal.type === 'CapacityResolved') {
    return {
      dryRun: true,
      outcome: 'accepted',
      summary: `${summary}: the region's capacity episode ends; its desired count stays`,
      effects: [],
      ...(await afterwards(svc, ledgers, { region: home.region })),
    };
  }
  const plan = decideScaling(
    { kind: signal.type, stampId: signal.stampId, region: home.region },
    fleetFromLedgers(ledgers),
    config.policy,
    clock.now().toISOString(),
    {
      ...(home.lastScaleOutAt === undefined ? {} : { lastScaleOutAt: home.lastScaleOutAt }),
      ...(home.lastScaleInAt === undefined ? {} : { lastScaleInAt: home.lastScaleInAt }),
    },
    effectiveDesired(config.policy, home.region, home.desired),
  );
  if (plan.kind === 'hold') {
    return {
      dryRun: true,
      outcome: 'ignored',
      summary,
      effects: [],
      reason: plan.reason,
      ...(await afterwards(svc, ledgers, { region: home.region })),
    };
  }
  return {
    dryRun: true,
    outcome: 'accepted',
    summary: `${summary}: ${plan.reason}`,
    effects: [],
    ...(await afterwards(svc, ledgers, { region: home.region, desired: { desired: plan.desired } })),
  };
}
