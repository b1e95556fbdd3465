import { retryOnConflict } from '../errors/retryOnConflict';
import { RECONCILER_ACTOR } from '../lifecycle/decide/cause';
import type { FleetMember } from '../lifecycle/fleet';
import { operatorEvent } from '../lifecycle/operatorCommands';
import {
  type FleetAction,
  type FleetPlan,
  type FleetPlanInput,
  planFleet,
  type RegionUnavailable,
} from '../lifecycle/planFleet';
import { blockAfterFailure, isBlocked } from '../lifecycle/regionBlock';
import { effectiveDesired } from '../lifecycle/regionDesired';
import { describeAction, type RegionStatus, sameStatus, statusOf } from '../lifecycle/regionStatus';
import type { Cause } from '../lifecycle/stamp';
import { addMinutes, isAtOrAfter, isBefore } from '../lifecycle/time';
import type { RegionLedger, StoredLedger } from '../ports/stampStore';
import { countReconcilerAction } from '../telemetry/instruments';
import { fleetFromLedgers, readLedgers, syncLedger } from './fleet';
import { type CreatedStamp, createReservedStamp, reserveStamp } from './requestStamp';
import type { Services } from './services';

export interface ReconcileTrigger {
  /** Deterministic per cause: the ids of the events this run sends derive from it. */
  readonly requestId: string;
  readonly reason: string;
}

export interface FleetReconciliation {
  readonly plan: FleetPlan;
  /** New stamps written; the caller starts their orchestrations with the effects. */
  readonly placed: readonly CreatedStamp[];
  /** Stamps sent a retirement (drain) or clean-up request; the caller wakes their orchestrations. */
  readonly woken: readonly string[];
  /** Actions that could not be carried out (a slot taken meanwhile), in words. */
  readonly missed: readonly string[];
  /**
   * Every stamp still provisioning: the caller makes sure each has an orchestration, since a run
   * that crashed after writing a stamp (and was redelivered) does not place it again.
   */
  readonly provisioning: readonly string[];
}

/**
 * The fleet reconciler, like a Kubernetes controller: observes the fleet (the region ledgers),
 * each region's desired count, the quota left and the regions that refused deployments, asks the
 * pure `planFleet` what to do, and does it: places new stamps (a ledger slot taken with If-Match,
 * then the stamp written), asks surplus stamps to drain, cleans up stamps failed for longer than
 * the policy allows, and writes what it did and what holds it back into each region's ledger.
 *
 * Runs one at a time (every request shares one Service Bus session) on a timer and after every
 * transition that changes what it sees. Each run re-plans from what is stored, so a redelivered
 * request or a crashed run repeats nothing that already happened: a placed stamp holds its slot,
 * a requested drain carries an id derived from the stamp's audit sequence.
 */
export async function reconcileFleet(svc: Services, trigger: ReconcileTrigger): Promise<FleetReconciliation> {
  const { store, config, clock } = svc;
  const policy = config.policy;
  const now = clock.now().toISOString();
  const woken: string[] = [];

  const failed = await recordFailures(svc, await readLedgers(store, policy), now);
  woken.push(...(await cleanUpFailed(svc, failed, now)));

  const ledgers = await readLedgers(store, policy);
  const input = await planInputOf(svc, ledgers, now);
  const { members } = input;
  const plan = planFleet(input, policy);

  const placed: CreatedStamp[] = [];
  const missed: string[] = [];
  const done = new Map<string, string[]>();
  const note = (region: string, line: string): void => {
    done.set(region, [...(done.get(region) ?? []), line]);
  };
  const vacancies = vacanciesOf(members);
  let placeIndex = 0;
  for (const action of plan.actions) {
    if (action.kind === 'place') {
      const created = await place(svc, action, trigger, placeIndex, vacancies);
      placeIndex += 1;
      if (created === undefined) {
        missed.push(`${action.region}: the slot was taken meanwhile`);
        continue;
      }
      placed.push(created);
      countReconcilerAction('place');
      note(action.region, describeAction(action, created.stamp.id));
      if (action.coversFor !== action.region)
        note(action.coversFor, describeAction(action, created.stamp.id));
    } else if (action.kind === 'retire') {
      if (await retire(svc, action)) woken.push(action.stampId);
      countReconcilerAction('retire');
      note(action.region, describeAction(action));
    } else if (action.kind === 'promote') {
      if (await promote(svc, action, trigger, vacancies)) woken.push(action.stampId);
      countReconcilerAction('promote');
      note(action.region, describeAction(action));
      if (action.coversFor !== action.region) note(action.coversFor, describeAction(action));
    }
  }
  await writeStatuses(svc, ledgers, plan, done, now);
  const provisioning = members.filter((m) => m.phase === 'provisioning').map((m) => m.id);
  return { plan, placed, woken, missed, provisioning };
}

/**
 * What the plan is made from: each region's desired count, the live fleet, the regions that
 * cannot take a stamp now (blocked) and the quota left. A dry run plans from the same input.
 */
export async function planInputOf(
  svc: Services,
  ledgers: readonly StoredLedger[],
  now: string,
): Promise<FleetPlanInput> {
  const policy = svc.config.policy;
  const desired: Record<string, number> = {};
  const unavailable: Record<string, RegionUnavailable> = {};
  const quotaLeft: Record<string, number> = {};
  for (const { ledger } of ledgers) {
    desired[ledger.region] = effectiveDesired(policy, ledger.region, ledger.desired);
    if (isBlocked(ledger.block, now))
      unavailable[ledger.region] = {
        reason: `${ledger.region} is blocked until ${ledger.block.until}: ${ledger.block.reason}`,
      };
    const quota = await quotaOf(svc, ledger.region);
    // A stamp reserved a moment ago may not be deploying yet, so not in the quota's count: the
    // plan may then place one too many, whose deployment is refused and re-placed elsewhere.
    if (quota !== undefined) quotaLeft[ledger.region] = quota;
  }
  const members = fleetFromLedgers(ledgers).members.map((m) => {
    if (m.promotingSince === undefined || isBefore(now, addMinutes(m.promotingSince, PROMOTION_MARK_MINUTES)))
      return m;
    const { promotingSince: _lost, ...rest } = m;
    return rest;
  });
  return { desired, members, unavailable, quotaLeft, now };
}

/**
 * The region's remaining stamp quota, or undefined when it cannot be read now: an unreadable
 * quota is unknown, not zero, and must not stop the reconciliation (a refused deployment still
 * blocks the region).
 */
async function quotaOf(svc: Services, region: string): Promise<number | undefined> {
  try {
    return await svc.deployer.remainingStampQuota(region);
  } catch {
    return undefined;
  }
}

/** Asks the fleet reconciler to run (one Service Bus message on the fleet's session). */
export async function requestReconciliation(svc: Services, requestId: string, reason: string): Promise<void> {
  await svc.bus.send({
    kind: 'reconcile-fleet',
    requestId,
    requestedAt: svc.clock.now().toISOString(),
    reason,
  });
}

/** Stamps of each region that have left service and no live stamp names as the one it replaces. */
function vacanciesOf(members: readonly FleetMember[]): Map<string, string[]> {
  const covered = new Set(members.flatMap((m) => (m.replacementFor === undefined ? [] : [m.replacementFor])));
  const byRegion = new Map<string, string[]>();
  for (const m of members) {
    const gone =
      (m.phase === 'active' && (m.traffic === 'isolated' || m.heldBy === 'min-in-rotation')) ||
      m.phase === 'draining' ||
      m.phase === 'failed';
    if (!gone || covered.has(m.id)) continue;
    byRegion.set(m.region, [...(byRegion.get(m.region) ?? []), m.id]);
  }
  return byRegion;
}

async function place(
  svc: Services,
  action: Extract<FleetAction, { kind: 'place' }>,
  trigger: ReconcileTrigger,
  index: number,
  vacancies: Map<string, string[]>,
): Promise<CreatedStamp | undefined> {
  const reservation = await reserveStamp(svc, {
    region: action.region,
    allowOtherRegions: false,
    replacement: { excludeRegions: [] },
  });
  if (reservation.kind !== 'reserved') return undefined;
  // A spare replaces nothing: it is the pool's, not the region's desired count.
  const replaces = action.spare ? undefined : vacancies.get(action.coversFor)?.shift();
  const cause: Cause = {
    kind: 'reconciliation',
    eventId: `${trigger.requestId}:place:${index}`,
    actor: RECONCILER_ACTOR,
    reason: `${action.reason}${replaces === undefined ? '' : `; replaces ${replaces}`}`,
  };
  const created = await createReservedStamp(svc, {
    stampId: reservation.stampId,
    region: reservation.region,
    cause,
    ...(replaces === undefined ? {} : { replacementFor: replaces }),
    ...(action.spare ? { spare: true } : {}),
  });
  // The ledger entry carries the link now, not at the stamp's first commit: a run before that
  // must not see the stamp it replaces as uncovered and place a second one.
  await syncLedger(svc.store, svc.config.policy, created.stamp);
  if (replaces !== undefined) await linkReplacement(svc, replaces, created.stamp.id);
  return created;
}

/**
 * Writes "replaced by" on the stamp a new one covers: the why, for the operator. It decides
 * nothing (capacity is the plan's), so a stamp that moved on meanwhile is left as it is.
 */
async function linkReplacement(svc: Services, stampId: string, replacementId: string): Promise<void> {
  await retryOnConflict(`record ${replacementId} as the replacement of ${stampId}`, async () => {
    const stored = await svc.store.get(stampId);
    if (stored === undefined || stored.stamp.replacedBy === replacementId) return;
    await svc.store.replace({ ...stored.stamp, replacedBy: replacementId }, stored.etag);
  });
}

/**
 * Queues a spare's promotion (its id derived from the spare's audit sequence, so a second run
 * before it moved asks again for the same one); false when it is no longer a spare.
 */
async function promote(
  svc: Services,
  action: Extract<FleetAction, { kind: 'promote' }>,
  trigger: ReconcileTrigger,
  vacancies: Map<string, string[]>,
): Promise<boolean> {
  const stored = await svc.store.get(action.stampId);
  if (stored === undefined || stored.stamp.spare === undefined || stored.stamp.traffic !== 'standby')
    return false;
  const replaces = vacancies.get(action.coversFor)?.shift();
  // The mark first, then the request: no later run promotes another spare for this vacancy.
  await markPromoting(svc, stored.stamp.region, action.stampId);
  await svc.store.enqueueEvent(action.stampId, {
    type: 'PromotionRequested',
    // Per run: a refused promotion writes no audit record, so the audit sequence alone would
    // name every later attempt the same and each would be dropped as a duplicate.
    id: `reconciler-promote:${action.stampId}:${stored.stamp.auditSeq}:${trigger.requestId}`,
    reason: `${action.reason}${replaces === undefined ? '' : `; replaces ${replaces}`}`,
    ...(replaces === undefined ? {} : { replacementFor: replaces }),
  });
  if (replaces !== undefined) await linkReplacement(svc, replaces, action.stampId);
  return true;
}

/** Marks a spare's ledger entry as being promoted (see FleetMember.promotingSince). */
async function markPromoting(svc: Services, region: string, stampId: string): Promise<void> {
  const policy = svc.config.policy.regions.find((r) => r.name === region);
  if (policy === undefined) return;
  await retryOnConflict(`mark ${stampId} as being promoted`, async () => {
    const stored = await svc.store.ensureLedger(policy.name, policy.code);
    const member = stored.ledger.members[stampId];
    if (member === undefined || member.promotingSince !== undefined) return;
    await svc.store.replaceLedger(
      {
        ...stored.ledger,
        members: {
          ...stored.ledger.members,
          [stampId]: { ...member, promotingSince: svc.clock.now().toISOString() },
        },
      },
      stored.etag,
    );
  });
}

/** A promotion mark older than this is forgotten: the promotion was lost, the spare may go again. */
const PROMOTION_MARK_MINUTES = 15;

/** Queues the drain of a surplus stamp; false when it is no longer there to drain. */
async function retire(svc: Services, action: Extract<FleetAction, { kind: 'retire' }>): Promise<boolean> {
  const stored = await svc.store.get(action.stampId);
  if (stored === undefined || stored.stamp.phase !== 'active') return false;
  // A spare retired for its pool goes only while it still is one (not promoted meanwhile).
  if (action.spare === true && (stored.stamp.spare === undefined || stored.stamp.traffic !== 'standby'))
    return false;
  // Derived from the audit sequence: a second run before the stamp moved asks for the same drain.
  const event = operatorEvent('drain', {
    id: `reconciler-retire:${action.stampId}:${stored.stamp.auditSeq}`,
    source: 'reconciler',
    actor: RECONCILER_ACTOR,
    reason: `surplus: ${action.reason}`,
  });
  await svc.store.enqueueEvent(action.stampId, event);
  return true;
}

interface FailedStamp {
  readonly stampId: string;
  readonly failedAt: string;
}

/** Reads the failed stamps, and blocks the regions whose failures are the region's own. */
async function recordFailures(
  svc: Services,
  ledgers: readonly StoredLedger[],
  now: string,
): Promise<FailedStamp[]> {
  const failed: FailedStamp[] = [];
  for (const { ledger } of ledgers) {
    const ids = Object.values(ledger.members)
      .filter((m) => m.phase === 'failed')
      .map((m) => m.id);
    let block = ledger.block;
    for (const id of ids) {
      const stamp = (await svc.store.get(id))?.stamp;
      if (stamp?.phase !== 'failed') continue;
      failed.push({ stampId: id, failedAt: stamp.phaseSince });
      block = blockAfterFailure(
        block,
        { stampId: id, error: stamp.deployment?.error, at: stamp.phaseSince },
        now,
      );
    }
    if (block !== ledger.block && block !== undefined) {
      const newBlock = block;
      await updateLedger(svc, ledger, (current) => ({ ...current, block: newBlock }));
    }
  }
  return failed;
}

/** Failed stamps older than the policy's clean-up time are cleaned up (record kept, resources removed). */
async function cleanUpFailed(svc: Services, failed: readonly FailedStamp[], now: string): Promise<string[]> {
  const minutes = svc.config.policy.failedCleanupMinutes;
  if (minutes <= 0) return [];
  const due = failed.filter((f) => isAtOrAfter(now, addMinutes(f.failedAt, minutes)));
  for (const f of due) {
    await svc.store.enqueueEvent(f.stampId, {
      type: 'CleanupRequested',
      id: `reconciler-cleanup:${f.stampId}`,
      actor: RECONCILER_ACTOR,
      reason: `failed at ${f.failedAt}, more than ${minutes} minutes ago: cleaned up automatically`,
    });
  }
  return due.map((f) => f.stampId);
}

async function writeStatuses(
  svc: Services,
  ledgers: readonly StoredLedger[],
  plan: FleetPlan,
  done: ReadonlyMap<string, readonly string[]>,
  now: string,
): Promise<void> {
  for (const { ledger } of ledgers) {
    const status: RegionStatus = {
      ...statusOf(plan, ledger.region, now),
      actions: [...(done.get(ledger.region) ?? [])],
    };
    if (sameStatus(ledger.status, status)) continue;
    await updateLedger(svc, ledger, (current) => ({ ...current, status }));
  }
}

/** Read-modify-write of one ledger with If-Match, re-read on a lost race. */
async function updateLedger(
  svc: Services,
  ledger: RegionLedger,
  change: (current: RegionLedger) => RegionLedger,
): Promise<void> {
  await retryOnConflict(`update the ledger of ${ledger.region}`, async () => {
    const stored = await svc.store.ensureLedger(ledger.region, ledger.code);
    await svc.store.replaceLedger(change(stored.ledger), stored.etag);
  });
}
