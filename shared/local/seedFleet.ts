import { syncLedger } from '../app/fleet';
import { reserveStamp } from '../app/requestStamp';
import type { Services } from '../app/services';
import { importedStamp } from '../lifecycle/newStamp';
import { deploymentName } from '../lifecycle/stampNames';
import type { SimulatedAzure } from './sim';

/** The seed's production fleet: 4 in westeurope, 3 in eastus, 3 in southeastasia. */
export const SEED_FLEET: Readonly<Record<string, number>> = { westeurope: 4, eastus: 3, southeastasia: 3 };

/**
 * Imports stamps that are already in service when the local control plane starts: each is
 * deployed and healthy in the simulated Azure, stored as `active`/`in-rotation` with one audit
 * record saying it was imported, and counted in its region's ledger; with warm spares configured
 * the last `spares.perRegion` of each region are spares on standby. Returns their ids.
 */
export async function seedFleet(svc: Services, sim: SimulatedAzure, fleet = SEED_FLEET): Promise<string[]> {
  const ids: string[] = [];
  const now = svc.clock.now().toISOString();
  const spares = svc.config.policy.spares.perRegion;
  for (const region of svc.config.policy.regions) {
    const count = fleet[region.name] ?? 0;
    for (let i = 0; i < count; i += 1) {
      // With warm spares configured, the last of each region's stamps waits on standby.
      const spare = i >= count - spares;
      const reservation = await reserveStamp(svc, { region: region.name, allowOtherRegions: false });
      if (reservation.kind !== 'reserved') break;
      const id = reservation.stampId;
      sim.seedActiveStamp({
        stampId: id,
        region: region.name,
        priority: Math.min(5, region.priority),
        enabled: !spare,
      });
      const outputs = await svc.deployer.getDeployment(deploymentName(id, 1));
      const { stamp, audit } = importedStamp({
        id,
        region: region.name,
        now,
        cause: {
          kind: 'system',
          eventId: `seed-${id}`,
          reason: spare
            ? 'imported at start: a warm spare on standby'
            : 'imported at start: already in service',
        },
        phase: 'active',
        traffic: spare ? 'standby' : 'in-rotation',
        spare,
        originHostName: outputs.state === 'Succeeded' ? outputs.outputs.originHostName : undefined,
      });
      await svc.store.create(stamp, audit);
      await syncLedger(svc.store, svc.config.policy, stamp);
      ids.push(id);
    }
  }
  return ids;
}
