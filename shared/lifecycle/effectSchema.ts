import { z } from 'zod';

import { PHASES, TRAFFIC_STATES } from './phase';
import { causeSchema } from './stamp';
import { LIFECYCLE_TIMER_NAMES } from './timers';

const stampId = z.string().min(1);
const instant = z.iso.datetime({ offset: true });
const timer = z.enum(LIFECYCLE_TIMER_NAMES);

/** What an incident is about; `effect-failed` is an effect no retry fixed (which one is in its detail). */
export const INCIDENT_KINDS = [
  'blast-radius',
  'min-in-rotation',
  'deployment-failed',
  'registration-timeout',
  'quarantine-checks-failed',
  'canary-worse',
  'effect-failed',
] as const;

/**
 * Side effects a decision asks for, as data: the one definition of an effect (the type `Effect` is
 * derived from it). The orchestration runs each as an idempotent activity after the new state is
 * committed; the core never performs them. Decisions are stored with their effects so that a
 * re-run activity returns them again.
 */
export const effectSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('start-deployment'),
    stampId,
    region: z.string(),
    deploymentName: z.string(),
    generation: z.number().int(),
  }),
  z.object({ kind: z.literal('register-origin'), stampId, hostName: z.string() }),
  z.object({ kind: z.literal('enable-origin'), stampId }),
  z.object({ kind: z.literal('disable-origin'), stampId }),
  z.object({ kind: z.literal('remove-origin'), stampId }),
  /** A ramp step: the origin's weight (1-1000) among the origins Front Door splits traffic over. */
  z.object({ kind: z.literal('set-origin-weight'), stampId, weight: z.number().int().min(1).max(1000) }),
  /** Reads the canary comparison of ramp step `step` (Azure Monitor, or the simulation) and decides on it. */
  z.object({ kind: z.literal('compare-canary'), stampId, step: z.number().int().min(0), dueAt: instant }),
  z.object({ kind: z.literal('start-timer'), stampId, timer, at: instant }),
  z.object({ kind: z.literal('cancel-timer'), stampId, timer }),
  z.object({ kind: z.literal('schedule-drain-timer'), stampId, drainId: z.string(), at: instant }),
  z.object({ kind: z.literal('cancel-drain-timer'), stampId, drainId: z.string() }),
  z.object({ kind: z.literal('watch-in-flight'), stampId, drainId: z.string() }),
  /**
   * The stamp changed what the fleet reconciler sees (it stopped or started serving, took or gave
   * back a capacity slot, failed): the reconciler runs again to bring every region to its desired
   * stamp count. Replacements come from there, never from one stamp's decision.
   */
  z.object({ kind: z.literal('reconcile-fleet'), stampId, reason: z.string() }),
  z.object({ kind: z.literal('notify-replaced-stamp'), stampId, replacedStampId: z.string() }),
  z.object({ kind: z.literal('preserve-diagnostics'), stampId }),
  z.object({ kind: z.literal('run-quarantine-checks'), stampId }),
  z.object({ kind: z.literal('delete-workloads'), stampId }),
  z.object({ kind: z.literal('archive-records'), stampId }),
  /** Purge: the archive's legal hold goes, once its retention ended (the blob itself stays). */
  z.object({ kind: z.literal('release-archive'), stampId, retainUntil: instant }),
  z.object({ kind: z.literal('schedule-purge'), stampId, dueAt: instant }),
  z.object({ kind: z.literal('unschedule-purge'), stampId, dueAt: instant }),
  z.object({ kind: z.literal('delete-resource-group'), stampId, resourceGroup: z.string() }),
  z.object({
    kind: z.literal('raise-incident'),
    stampId,
    incident: z.enum(INCIDENT_KINDS),
    detail: z.string(),
  }),
  z.object({
    kind: z.literal('publish-phase-changed'),
    stampId,
    from: z.enum(PHASES).nullable(),
    to: z.enum(PHASES),
    traffic: z.object({ from: z.enum(TRAFFIC_STATES), to: z.enum(TRAFFIC_STATES) }).optional(),
    at: instant,
    cause: causeSchema,
  }),
]);
