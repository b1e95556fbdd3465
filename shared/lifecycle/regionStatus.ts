import { z } from 'zod';

import type { FleetAction, FleetPlan } from './planFleet';

/**
 * What the fleet reconciler last said about a region: how many stamps serve of how many are
 * desired, what it started, and what holds it back, in words. Kept in the region's ledger and
 * shown by `GET /api/regions`, so that an operator sees why a region is short without reading
 * logs.
 */
export const regionStatusSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  desired: z.number().int().min(0),
  serving: z.number().int().min(0),
  /** The actions the last run took here (`placed weu-006 …`, `retiring weu-005 …`). */
  actions: z.array(z.string()),
  /** Why the region is not at its desired count, when it is not. */
  heldBy: z.array(z.string()),
});
export type RegionStatus = z.infer<typeof regionStatusSchema>;

/**
 * The last capacity alert of a region and what it did, so that a held scale-out is visible: an
 * episode, from the alert firing to its Resolved notification (`resolvedAt`), after which nothing
 * of it is pending any more.
 */
export const capacitySignalSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  signal: z.enum(['CapacityHigh', 'CapacityLow']),
  stampId: z.string().min(1),
  /** The Azure Monitor alert; its Resolved notification carries the same id. Absent on records from before it was kept. */
  alertId: z.string().min(1).optional(),
  outcome: z.enum(['desired-changed', 'held']),
  detail: z.string(),
  /** When the alert resolved: the episode is over. */
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  /** When the episode's alert fired; absent: at `at`. */
  episodeStartedAt: z.iso.datetime({ offset: true }).optional(),
  /** How many changes of desired the episode made after its first decision (see continueCapacityEpisodes). */
  continued: z.number().int().min(0).optional(),
});
export type CapacitySignalRecord = z.infer<typeof capacitySignalSchema>;

/** One line for an action, as the region's status shows it. */
export function describeAction(action: FleetAction, stampId?: string): string {
  switch (action.kind) {
    case 'place':
      return `placed ${action.spare ? 'spare ' : ''}${stampId ?? 'a stamp'}${action.coversFor === action.region ? '' : ` for ${action.coversFor}`}: ${action.reason}`;
    case 'promote':
      return `promoted spare ${action.stampId}${action.coversFor === action.region ? '' : ` for ${action.coversFor}`}: ${action.reason}`;
    case 'retire':
      return `retiring ${action.stampId}: ${action.reason}`;
    case 'hold':
      return action.reason;
  }
}

/** The region's status from a plan (without the ids of the stamps placed, which the caller adds). */
export function statusOf(plan: FleetPlan, region: string, at: string): Omit<RegionStatus, 'actions'> {
  const tally = plan.tallies.find((t) => t.region === region);
  const heldBy = plan.actions
    .filter((a) => a.kind === 'hold' && (a.region === region || a.region === '*'))
    .map((a) => describeAction(a));
  return { at, desired: tally?.desired ?? 0, serving: tally?.serving ?? 0, heldBy };
}

/** Whether two statuses say the same (the time aside): the ledger is rewritten only on a change. */
export function sameStatus(a: RegionStatus | undefined, b: RegionStatus): boolean {
  if (a === undefined) return false;
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
