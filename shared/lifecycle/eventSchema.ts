import { z } from 'zod';

import type { StampEvent } from './events';

const id = z.string().min(1).max(1024);
const instant = z.iso.datetime({ offset: true });
const text = z.string().max(2000);
const operator = { actor: z.string().max(200), reason: text, override: z.boolean().optional() };

/**
 * The schema of a stored or transported StampEvent (the inbox, queue messages). Parsing with it
 * is how an event that crossed a process boundary becomes typed again.
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
    source: z.enum(['operator', 'reconciler']),
    drainMinutes: z.number().optional(),
    ...operator,
  }),
  z.object({ type: z.literal('DrainTimerFired'), id, drainId: z.string().min(1) }),
  z.object({ type: z.literal('InFlightDrained'), id, drainId: z.string().min(1) }),
  z.object({ type: z.literal('QuarantineChecksCompleted'), id, passed: z.boolean(), detail: text }),
  z.object({ type: z.literal('QuarantineApproved'), id, ...operator }),
  z.object({ type: z.literal('DecommissionCompleted'), id }),
  z.object({ type: z.literal('RetentionElapsed'), id }),
  z.object({ type: z.literal('CleanupRequested'), id, ...operator }),
  z.object({ type: z.literal('RejoinRequested'), id, ...operator }),
  z.object({ type: z.literal('DrainCancelRequested'), id, ...operator }),
]) satisfies z.ZodType<StampEvent>;
