import { z } from 'zod';

import { InvalidDocumentError } from '../errors';
import { canaryRecordSchema } from './canary';
import { PHASES, TRAFFIC_STATES } from './phase';

const isoInstant = z.iso.datetime({ offset: true });

/** Who or what caused a transition; stored with every audit record. */
export const CAUSE_KINDS = [
  'operator',
  'alert',
  'timer',
  'deployment',
  'front-door',
  'quarantine-check',
  'replacement',
  'scale',
  'reconciliation',
  'canary',
  'system',
] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export const causeSchema = z.object({
  kind: z.enum(CAUSE_KINDS),
  /** The inbound event that caused it; the idempotency key. */
  eventId: z.string().min(1),
  reason: z.string(),
  /** The operator (or system identity) that asked, when there is one: the principal's display name. */
  actor: z.string().optional(),
  /** The authenticated principal's object id (Entra ID `oid`), when a person or an app asked. */
  actorId: z.string().optional(),
  /** Set when an operator overrode a guard; the reason above says why. */
  overriddenGuard: z.string().optional(),
});
export type Cause = z.infer<typeof causeSchema>;

export const deadlinesSchema = z.object({
  registrationTimeoutAt: isoInstant.optional(),
  /** A failing probe's isolation is decided then, with every alert that fired meanwhile. */
  isolationDecisionAt: isoInstant.optional(),
  isolationGraceEndsAt: isoInstant.optional(),
  drainEndsAt: isoInstant.optional(),
  purgeDueAt: isoInstant.optional(),
  /** The end of the current ramp step's bake: its canary comparison is read then. */
  rampStepDueAt: isoInstant.optional(),
});
export type StampDeadlines = z.infer<typeof deadlinesSchema>;

/** One health alert as last seen: Azure Monitor keeps the alert id from Fired to Resolved. */
export const healthAlertSchema = z.object({
  alertId: z.string().min(1),
  state: z.enum(['firing', 'resolved']),
  /** The alert's own time, clamped to at most the allowed skew past the control plane's clock. */
  at: isoInstant,
});
export type HealthAlert = z.infer<typeof healthAlertSchema>;

export const healthSchema = z.object({
  /** Failing while any remembered health alert is firing. */
  probe: z.enum(['healthy', 'failing']),
  /** The (clamped) time of the last health signal applied. */
  observedAt: isoInstant.optional(),
  alertId: z.string().optional(),
  /**
   * The health alerts remembered, at most HEALTH_ALERT_MEMORY: each alert is ordered only against
   * itself, so no alert (a crafted one, one dated in the future) can make another one stale.
   */
  alerts: z.array(healthAlertSchema).optional(),
  /**
   * When a firing alert could not be remembered (every remembered alert was firing): the probe
   * stays failing until the alert memory has passed, since its Resolved could not be matched.
   */
  overflowAt: isoInstant.optional(),
  /** The guard holding back the isolation of this failing stamp, while one does. */
  heldBy: z.enum(['blast-radius', 'min-in-rotation']).optional(),
});
export type StampHealth = z.infer<typeof healthSchema>;

/** Who asked for a drain or an isolation: four eyes keeps them from approving its verification. */
export const requesterSchema = z.object({
  actor: z.string(),
  actorId: z.string().optional(),
});
export type Requester = z.infer<typeof requesterSchema>;

export const drainSchema = z.object({
  /** Identifies this drain; a drain timer carrying another id is stale. */
  id: z.string().min(1),
  reason: z.string(),
  startedAt: isoInstant,
  endsAt: isoInstant,
  /** The operator who started it; absent for the reconciler's drains. */
  requestedBy: requesterSchema.optional(),
});
export type DrainState = z.infer<typeof drainSchema>;

export const isolationSchema = z.object({
  /** An alert isolation rejoins if the alert resolves within the grace; an operator's does not. */
  by: z.enum(['alert', 'operator', 'region-outage', 'canary']),
  at: isoInstant,
  /** The operator who isolated it, when `by` is `operator`. */
  requestedBy: requesterSchema.optional(),
});
export type IsolationState = z.infer<typeof isolationSchema>;

/** One named quarantine check (diagnostic settings, logs up to the isolation, volumes, cluster). */
export const checkResultSchema = z.object({
  name: z.string().min(1).max(100),
  passed: z.boolean(),
  detail: z.string().max(2000),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const quarantineSchema = z.object({
  checks: z.enum(['pending', 'passed', 'failed']),
  checkedAt: isoInstant.optional(),
  detail: z.string().optional(),
  /** Each check's own result, when the checks name them. */
  results: z.array(checkResultSchema).optional(),
  approvedBy: z.string().optional(),
  /** The approver's object id (Entra `oid`), from the signed-in principal. */
  approvedById: z.string().optional(),
});
export type QuarantineState = z.infer<typeof quarantineSchema>;

export const deploymentSchema = z.object({
  /** Deterministic ARM deployment name, `stamp-{id}-{generation}`. */
  name: z.string().min(1),
  originHostName: z.string().optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  error: z.string().optional(),
});
export type DeploymentState = z.infer<typeof deploymentSchema>;

/**
 * Where the stamp's records were archived: an immutable blob holding the audit trail as a hash
 * chain. `digest` is the chain's head (SHA-256, hex) over audit records 1..`records`.
 */
export const archiveSchema = z.object({
  location: z.string().min(1).max(2000),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  records: z.number().int().min(1),
  /** The archive is immutable until then; purge releases its legal hold, never earlier. */
  retainUntil: isoInstant,
});
export type ArchiveState = z.infer<typeof archiveSchema>;

/** A warm spare: deployed and registered with its origin disabled, until the reconciler promotes it. */
export const spareSchema = z.object({
  /** When it was asked for; a spare older than the policy's maximum age is refreshed. */
  since: isoInstant,
});
export type SpareState = z.infer<typeof spareSchema>;

/**
 * The progressive traffic ramp of a stamp that entered rotation: a sub-state of `active` and
 * `in-rotation`. The origin's weight is the step's percentage of a full weight; each step bakes
 * while the stamp's error rate and latency are compared with its region's peers.
 */
export const rampSchema = z.object({
  /** Index into the policy's steps. */
  step: z.number().int().min(0),
  percent: z.number().min(0).max(100),
  /** The Front Door origin weight of this step (1-1000). */
  weight: z.number().int().min(1).max(1000),
  stepSince: isoInstant,
  /** Bakes in a row that saw too little traffic to compare; after the policy's limit the step is passed. */
  lowTrafficBakes: z.number().int().min(0),
  /** The bake whose comparison was asked for (its due time): only that comparison is taken. */
  comparing: isoInstant.optional(),
  /** Bakes in a row whose comparison never arrived (the figures could not be read). */
  unread: z.number().int().min(0).optional(),
  /** Set while an operator holds the ramp at its step. */
  paused: z
    .object({ at: isoInstant, actor: z.string(), actorId: z.string().optional(), reason: z.string() })
    .optional(),
  /** The last comparison read, whatever it decided. */
  lastCanary: canaryRecordSchema.optional(),
});
export type RampState = z.infer<typeof rampSchema>;

/** How many recent inbound event ids a stamp remembers for idempotency (guard 5). */
export const PROCESSED_EVENT_WINDOW = 64;

export const stampSchema = z.object({
  id: z.string().min(1),
  region: z.string().min(1),
  phase: z.enum(PHASES),
  traffic: z.enum(TRAFFIC_STATES),
  /** Bumped when the stamp's infrastructure must be deployed again; names the ARM deployment. */
  generation: z.number().int().min(1),
  createdAt: isoInstant,
  phaseSince: isoInstant,
  /** The cause of the last transition. */
  cause: causeSchema,
  deadlines: deadlinesSchema,
  replacementFor: z.string().optional(),
  replacedBy: z.string().optional(),
  health: healthSchema,
  isolation: isolationSchema.optional(),
  drain: drainSchema.optional(),
  quarantine: quarantineSchema.optional(),
  deployment: deploymentSchema.optional(),
  archivedAt: isoInstant.optional(),
  archive: archiveSchema.optional(),
  purgedAt: isoInstant.optional(),
  spare: spareSchema.optional(),
  ramp: rampSchema.optional(),
  /** Number of audit records written; the next record's sequence number is this plus one. */
  auditSeq: z.number().int().min(0),
  /** The most recent inbound event ids, newest last, at most PROCESSED_EVENT_WINDOW. */
  processedEventIds: z.array(z.string()),
});
export type Stamp = z.infer<typeof stampSchema>;

export const auditRecordSchema = z.object({
  stampId: z.string().min(1),
  /** 1-based, gap-free per stamp; makes the record id deterministic and a replay idempotent. */
  seq: z.number().int().min(1),
  at: isoInstant,
  from: z.enum(PHASES).nullable(),
  to: z.enum(PHASES),
  traffic: z.object({ from: z.enum(TRAFFIC_STATES), to: z.enum(TRAFFIC_STATES) }).optional(),
  cause: causeSchema,
  /** Set on a request that a guard refused: the phase did not change (`from` equals `to`). */
  refused: z.object({ guard: z.string().min(1), reason: z.string() }).optional(),
  /** Set on the record of the archive's write: where it is and the digest of what it holds. */
  archive: archiveSchema.optional(),
  /**
   * Set on a ramp's records: the share of a full origin weight before and after, in percent
   * (`from` null: the stamp entered rotation; `to` 100: the ramp ended), and the weight set.
   */
  ramp: z
    .object({
      from: z.number().min(0).max(100).nullable(),
      to: z.number().min(0).max(100),
      weight: z.number().int(),
      /** Set when the record held the ramp (true: paused) or let it go on (false: continued). */
      paused: z.boolean().optional(),
    })
    .optional(),
  /** Set when a canary comparison decided the record: what was compared and the verdict. */
  canary: canaryRecordSchema.optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/**
 * Parses a stored stamp. A document that does not match fails with an error naming the id and
 * the first bad field; nothing is defaulted.
 *
 * @example
 * const stamp = parseStoredStamp(await container.item(id, id).read().then((r) => r.resource));
 */
export function parseStoredStamp(doc: unknown): Stamp {
  return parseDocument(stampSchema, doc);
}

export function parseStoredAuditRecord(doc: unknown): AuditRecord {
  return parseDocument(auditRecordSchema, doc);
}

function parseDocument<T>(schema: z.ZodType<T>, doc: unknown): T {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(document)';
  throw new InvalidDocumentError(documentIdOf(doc), field, issue?.message ?? 'does not match the schema', {
    cause: result.error,
  });
}

function documentIdOf(doc: unknown): string {
  if (typeof doc === 'object' && doc !== null && 'id' in doc) {
    const id = doc.id;
    if (typeof id === 'string') return id;
  }
  return '(no id)';
}
