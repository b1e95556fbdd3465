import { z } from 'zod';

import { canaryComparisonSchema } from './canary';
import { archiveSchema, checkResultSchema } from './stamp';

const id = z.string().min(1).max(1024);
const instant = z.iso.datetime({ offset: true });
const text = z.string().max(2000);
const operator = {
  actor: z.string().max(200),
  /** The authenticated principal's object id; absent on messages from before sign-in existed. */
  actorId: z.string().max(200).optional(),
  reason: text,
  override: z.boolean().optional(),
};

/**
 * Everything that can happen to one stamp, as data: the one definition of a stamp event. The type
 * `StampEvent` is derived from it, and parsing with it is how an event that crossed a process
 * boundary (the inbox, queue messages) becomes typed again. Each event carries the id of the
 * inbound message it came from (an Event Grid, Service Bus or HTTP request id), so handling it
 * twice has no further effect. Operator events carry who asked and why; `override` asks to
 * override a guard and is only honoured with a non-empty reason, which is audited.
 */
export const stampEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('DeploymentSucceeded'),
    id,
    originHostName: z.string().min(1),
    outputs: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('DeploymentFailed'), id, error: text }),
  z.object({ type: z.literal('OriginHealthy'), id }),
  z.object({ type: z.literal('RegistrationTimedOut'), id }),
  z.object({ type: z.literal('HealthProbeFailed'), id, alertId: z.string().min(1), observedAt: instant }),
  z.object({ type: z.literal('HealthProbeRecovered'), id, alertId: z.string().min(1), observedAt: instant }),
  z.object({ type: z.literal('IsolationDecisionDue'), id }),
  z.object({ type: z.literal('IsolationGraceExpired'), id }),
  z.object({ type: z.literal('ReplacementActive'), id, replacementId: z.string().min(1) }),
  z.object({ type: z.literal('IsolateRequested'), id, ...operator }),
  z.object({
    type: z.literal('DrainRequested'),
    id,
    /** `reconciler` drains (a surplus retired) come from automation and never override a guard. */
    source: z.enum(['operator', 'reconciler']),
    drainMinutes: z.number().optional(),
    ...operator,
  }),
  z.object({ type: z.literal('DrainTimerFired'), id, drainId: z.string().min(1) }),
  z.object({ type: z.literal('InFlightDrained'), id, drainId: z.string().min(1) }),
  z.object({
    type: z.literal('QuarantineChecksCompleted'),
    id,
    passed: z.boolean(),
    detail: text,
    results: z.array(checkResultSchema).max(20).optional(),
  }),
  z.object({ type: z.literal('QuarantineApproved'), id, ...operator }),
  z.object({ type: z.literal('DecommissionCompleted'), id }),
  /** The archive of the stamp's records was written (immutable, a hash chain over the audit records). */
  z.object({ type: z.literal('RecordsArchived'), id, ...archiveSchema.shape }),
  z.object({ type: z.literal('RetentionElapsed'), id }),
  z.object({ type: z.literal('CleanupRequested'), id, ...operator }),
  /** Ends an isolation and puts the stamp back in rotation. */
  z.object({ type: z.literal('RejoinRequested'), id, ...operator }),
  /** Ends a drain while it runs: the stamp goes back to rotation. */
  z.object({ type: z.literal('DrainCancelRequested'), id, ...operator }),
  /** The fleet reconciler puts a warm spare in rotation: its region (or one it covers for) is short. */
  z.object({
    type: z.literal('PromotionRequested'),
    id,
    reason: text,
    /** The stamp that left service and that this spare takes over from, when there is one. */
    replacementFor: z.string().min(1).max(200).optional(),
  }),
  /** The bake of the current ramp step ended: its canary comparison is read next. */
  z.object({ type: z.literal('RampStepDue'), id }),
  /** The canary comparison read for ramp step `step`. */
  z.object({
    type: z.literal('CanaryCompared'),
    id,
    step: z.number().int().min(0),
    /** The bake it answers (its due time): a comparison for an earlier bake is stale. */
    dueAt: instant,
    comparison: canaryComparisonSchema,
  }),
  /** An operator holds a ramp at its step, lets a held one go on, or ends it at full weight. */
  z.object({ type: z.literal('RampPauseRequested'), id, ...operator }),
  z.object({ type: z.literal('RampContinueRequested'), id, ...operator }),
  z.object({ type: z.literal('RampSkipRequested'), id, ...operator }),
]);
