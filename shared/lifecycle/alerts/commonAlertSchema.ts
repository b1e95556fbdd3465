import { z } from 'zod';

/**
 * The Azure Monitor common alert schema, as much of it as classification reads. Unknown fields
 * are allowed (the schema grows); the fields read are checked.
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 */
const dimensionSchema = z.object({ name: z.string(), value: z.string() });

const conditionSchema = z.object({
  metricName: z.string().optional(),
  operator: z.string().optional(),
  metricValue: z.number().nullable().optional(),
  threshold: z.union([z.number(), z.string()]).optional(),
  dimensions: z.array(dimensionSchema).optional(),
});

export const commonAlertSchema = z.object({
  schemaId: z.literal('azureMonitorCommonAlertSchema'),
  data: z.object({
    essentials: z.object({
      alertId: z.string().min(1),
      alertRule: z.string(),
      severity: z.string().optional(),
      signalType: z.string().optional(),
      monitorCondition: z.enum(['Fired', 'Resolved']),
      monitoringService: z.string().optional(),
      alertTargetIDs: z.array(z.string()).optional(),
      configurationItems: z.array(z.string()).optional(),
      firedDateTime: z.iso.datetime({ offset: true }),
      resolvedDateTime: z.iso.datetime({ offset: true }).optional(),
    }),
    alertContext: z
      .object({
        condition: z.object({ allOf: z.array(conditionSchema).optional() }).optional(),
      })
      .nullable()
      .optional(),
    customProperties: z.record(z.string(), z.string()).nullable().optional(),
  }),
});

export type CommonAlert = z.infer<typeof commonAlertSchema>;
