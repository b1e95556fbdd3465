import { syncLedger } from '../app/fleet';
import { reserveStamp } from '../app/requestStamp';
import type { Services } from '../app/services';
import type { AuditRecord, Stamp } from '../lifecycle/stamp';
import { deploymentName } from '../lifecycle/stampNames';
import type { SimulatedAzure } from './sim';

/** The seed's production fleet: 4 in westeurope, 3 in eastus, 3 in southeastasia (DESIGN.md). */
export const SEED_FLEET: Readonly<Record<string, number>> = { westeurope: 4, eastus: 3, southeastasia: 3 };

/**
 * Imports stamps that are already in service when the local control plane starts: each is
 * deployed and healthy in the simulated Azure, stored as `active`/`in-rotation` with one audit
 * record saying it was imported, and counted in its region's ledger. Returns their ids.
 */
export async function seedFleet(svc: Services, sim: SimulatedAzure, fleet = SEED_FLEET): Promise<string[]> {
  const ids: string[] = [];
  const now = svc.clock.now().toISOString();
  for (const region of svc.config.policy.regions) {
    for (let i = 0; i < (fleet[region.name] ?? 0); i += 1) {
      const reservation = await reserveStamp(svc, { region: region.name, allowOtherRegions: false });
      if (reservation.kind !== 'reserved') break;
      const id = reservation.stampId;
      sim.seedActiveStamp({ stampId: id, region: region.name, priority: Math.min(5, region.priority) });
      const outputs = await svc.deployer.getDeployment(deploymentName(id, 1));
      const cause = {
        kind: 'system' as const,
        eventId: `seed-${id}`,
        reason: 'imported at start: already in service',
      };
      const stamp: Stamp = {
        id,
        region: region.name,
        phase: 'active',
        traffic: 'in-rotation',
        generation: 1,
        createdAt: now,
        phaseSince: now,
        cause,
        deadlines: {},
        health: { probe: 'healthy' },
        deployment: {
          name: deploymentName(id, 1),
          ...(outputs.state === 'Succeeded' ? { originHostName: outputs.outputs.originHostName } : {}),
        },
        auditSeq: 1,
        processedEventIds: [cause.eventId],
      };
      const audit: AuditRecord = {
        stampId: id,
        seq: 1,
        at: now,
        from: null,
        to: 'active',
        traffic: { from: 'none', to: 'in-rotation' },
        cause,
      };
      await svc.store.create(stamp, audit);
      await syncLedger(svc.store, svc.config.policy, stamp);
      ids.push(id);
    }
  }
  return ids;
}
