import { createHash } from 'node:crypto';

/**
 * An Azure Monitor metric alert notification in the common alert schema, as an action group
 * posts it (docs/azure.md §1; learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema).
 */
export interface MetricAlertPayload {
  readonly schemaId: 'azureMonitorCommonAlertSchema';
  readonly data: {
    readonly essentials: {
      readonly alertId: string;
      readonly alertRule: string;
      readonly severity: 'Sev0' | 'Sev1' | 'Sev2' | 'Sev3' | 'Sev4';
      readonly signalType: 'Metric';
      readonly monitorCondition: 'Fired' | 'Resolved';
      readonly monitoringService: 'Platform';
      readonly alertTargetIDs: readonly string[];
      readonly configurationItems: readonly string[];
      readonly originAlertId: string;
      readonly firedDateTime: string;
      readonly resolvedDateTime?: string;
      readonly description: string;
      readonly essentialsVersion: '1.0';
      readonly alertContextVersion: '1.0';
    };
    readonly alertContext: {
      readonly properties: null;
      readonly conditionType: 'SingleResourceMultipleMetricCriteria';
      readonly condition: {
        readonly windowSize: string;
        readonly allOf: readonly MetricCriterion[];
        readonly windowStartTime: string;
        readonly windowEndTime: string;
      };
    };
    readonly customProperties: null;
  };
}

export interface MetricCriterion {
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly operator: 'GreaterThan' | 'LessThan';
  /** Azure Monitor sends thresholds as strings. */
  readonly threshold: string;
  readonly timeAggregation: 'Average';
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  readonly metricValue: number;
  readonly webTestName: null;
}

/** A metric alert rule as the sim evaluates it. */
export interface MetricAlertRule {
  readonly name: string;
  readonly description: string;
  readonly severity: MetricAlertPayload['data']['essentials']['severity'];
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly operator: MetricCriterion['operator'];
  readonly threshold: number;
  readonly windowSize: string;
}

/** One alert instance: a rule on one target (and dimension values), from Fired to Resolved. */
export interface AlertInstance {
  readonly rule: MetricAlertRule;
  /** The target within the rule: here always a stamp id. */
  readonly targetKey: string;
  readonly targetId: string;
  readonly targetName: string;
  readonly dimensions: MetricCriterion['dimensions'];
  readonly alertId: string;
  readonly firedAt: Date;
}

/**
 * The alert id of one firing: a GUID derived from the rule, the target and the fired time, so
 * that the Resolved notification reuses it (receivers de-duplicate on alertId and condition) and
 * a later firing of the same rule on the same target is a new alert, as in Azure Monitor.
 */
export function alertIdFor(
  subscriptionId: string,
  ruleName: string,
  targetKey: string,
  firedAt: Date,
): string {
  const hex = createHash('sha256').update(`${ruleName}|${targetKey}|${firedAt.toISOString()}`).digest('hex');
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return `/subscriptions/${subscriptionId}/providers/Microsoft.AlertsManagement/alerts/${guid}`;
}

/** The notification for an alert instance: Fired at its fired time, or Resolved at `resolvedAt`. */
export function metricAlertPayload(
  instance: AlertInstance,
  metricValue: number,
  evaluatedAt: Date,
  resolvedAt?: Date,
): MetricAlertPayload {
  const { rule } = instance;
  const windowEnd = evaluatedAt.toISOString();
  const windowStart = new Date(evaluatedAt.getTime() - durationMs(rule.windowSize)).toISOString();
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: instance.alertId,
        alertRule: rule.name,
        severity: rule.severity,
        signalType: 'Metric',
        monitorCondition: resolvedAt === undefined ? 'Fired' : 'Resolved',
        monitoringService: 'Platform',
        alertTargetIDs: [instance.targetId],
        configurationItems: [instance.targetName],
        originAlertId: instance.alertId.slice(instance.alertId.lastIndexOf('/') + 1),
        firedDateTime: instance.firedAt.toISOString(),
        ...(resolvedAt === undefined ? {} : { resolvedDateTime: resolvedAt.toISOString() }),
        description: rule.description,
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: rule.windowSize,
          allOf: [
            {
              metricName: rule.metricName,
              metricNamespace: rule.metricNamespace,
              operator: rule.operator,
              threshold: String(rule.threshold),
              timeAggregation: 'Average',
              dimensions: instance.dimensions,
              metricValue,
              webTestName: null,
            },
          ],
          windowStartTime: windowStart,
          windowEndTime: windowEnd,
        },
      },
      customProperties: null,
    },
  };
}

/** `PT1M`, `PT5M`: the ISO 8601 minute durations the rules use. */
function durationMs(isoDuration: string): number {
  const minutes = /^PT(\d+)M$/.exec(isoDuration)?.[1];
  return minutes === undefined ? 0 : Number(minutes) * 60_000;
}
