import { z } from 'zod';

/**
 * The Azure Monitor common alert schema, read liberally: only what a decision needs is required
 * (the alert id, the monitor condition, the time it fired). Every other field may be absent,
 * `null`, or of another type (a newer schema, a third-party sender); such a field reads as absent.
 * Unknown fields are ignored. Microsoft's own samples carry `null` in `alertRule`, `severity`,
 * `alertTargetIDs`, `alertContext.properties` and `customProperties`, numbers in `channels` and
 * `level`, and string thresholds.
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-payload-samples
 */

/** ISO 8601 with a zone, any number of fractional digits (Azure sends 7: `…13:58:24.3713213Z`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

const instant = z
  .string()
  .regex(ISO_INSTANT, 'must be an ISO 8601 time with a zone, such as 2026-01-01T10:00:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real time');

/** A field read only if it is a string; anything else reads as absent. */
const text = z.string().optional().catch(undefined);
/** A list read for its strings only (others are dropped); anything else reads as empty. */
const texts = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((list) => (list ?? []).filter((v): v is string => typeof v === 'string'));
/** A string map read for its string values only; anything else reads as empty. */
const stringMap = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((map) => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(map ?? {})) if (typeof value === 'string') out[key] = value;
    return out;
  });

const dimensionSchema = z.object({ name: text, value: text });

const conditionSchema = z.object({
  metricName: text,
  operator: text,
  metricValue: z.number().optional().catch(undefined),
  dimensions: z
    .array(dimensionSchema.optional().catch(undefined))
    .optional()
    .catch(undefined)
    .transform((list) =>
      (list ?? []).flatMap((d) =>
        d?.name === undefined || d.value === undefined ? [] : [{ name: d.name, value: d.value }],
      ),
    ),
});

const alertContextSchema = z
  .object({
    /** Log alerts (v2) and metric alerts carry the rule's custom properties here. */
    properties: stringMap,
    /** Prometheus alerts: the rule's labels (`cluster`, and any the rule adds). */
    labels: stringMap,
    condition: z
      .object({
        allOf: z
          .array(conditionSchema.optional().catch(undefined))
          .optional()
          .catch(undefined)
          .transform((list) => (list ?? []).flatMap((c) => (c === undefined ? [] : [c]))),
      })
      .optional()
      .catch(undefined),
  })
  .optional()
  .catch(undefined);

const essentialsSchema = z
  .object({
    // At most 1000, so that `{alertId}:Resolved` fits the signal's 1024-character event id.
    alertId: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
    alertRule: text,
    severity: text,
    signalType: text,
    monitorCondition: z.enum(['Fired', 'Resolved']),
    monitoringService: text,
    alertTargetIDs: texts,
    configurationItems: texts,
    // Read liberally here; a Fired alert without a usable fired time is refused below.
    firedDateTime: instant.optional().catch(undefined),
    resolvedDateTime: instant.optional().catch(undefined),
  })
  .superRefine((e, ctx) => {
    // A Fired alert is judged by when it fired; a Resolved one without its time (log alerts send
    // none) is taken at its arrival by the classifier.
    if (e.monitorCondition === 'Fired' && e.firedDateTime === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['firedDateTime'],
        message: 'a Fired alert needs its firedDateTime (an ISO 8601 time with a zone)',
      });
    }
  });

export const commonAlertSchema = z.object({
  // May be absent (third-party senders); when a sender names another schema, it is not this one.
  schemaId: z
    .literal('azureMonitorCommonAlertSchema', {
      error: 'names another schema; turn on the common alert schema in the action group',
    })
    .nullish(),
  data: z.object({
    essentials: essentialsSchema,
    alertContext: alertContextSchema,
    customProperties: stringMap,
  }),
});

export type CommonAlert = z.infer<typeof commonAlertSchema>;
