import type { CommonAlert } from './commonAlertSchema';
import { commonAlertSchema } from './commonAlertSchema';

export type StampSignalType = 'HealthProbeFailed' | 'HealthProbeRecovered' | 'CapacityHigh' | 'CapacityLow';

/** A stamp signal: what the alert receiver publishes to Event Grid (DESIGN.md section 4). */
export interface StampSignal {
  readonly type: StampSignalType;
  readonly stampId: string;
  /** `{alertId}:{Fired|Resolved}`: the Resolved notification reuses the alert id. */
  readonly eventId: string;
  readonly alertId: string;
  readonly alertRule: string;
  /** The alert's own time (fired or resolved), not the time it arrived (guard 5). */
  readonly observedAt: string;
  readonly severity?: string;
  readonly metricName?: string;
  readonly metricValue?: number;
}

export type AlertClassification =
  | { readonly kind: 'signal'; readonly signal: StampSignal }
  | { readonly kind: 'unmatched'; readonly alertId: string; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Stamp ids are `{region code}-{sequence}` (`weu-001`). */
export const STAMP_ID_PATTERN = /^[a-z]{2,8}-\d{3,6}$/;

const HEALTH_METRICS = new Set(['originhealthpercentage']);
const CAPACITY_METRICS = new Set([
  'node_cpu_usage_percentage',
  'node_memory_working_set_percentage',
  'node_memory_rss_percentage',
]);
const RESOURCE_GROUP_STAMP = /\/resourcegroups\/rg-synaxis-stamp-([a-z0-9-]+)(\/|$)/i;

/**
 * Maps an Azure Monitor common-alert-schema payload to a stamp signal. The stamp is found by
 * `customProperties.stampId`, else the metric dimension `Origin` (origins are named after their
 * stamp), else a target resource inside `rg-synaxis-stamp-{id}`. `receivedAt` stands in for a
 * Resolved time that the alert did not carry (log alerts have none).
 *
 * @example
 * classifyAlert(body, '2026-01-01T10:05:00Z')
 * // → { kind: 'signal', signal: { type: 'HealthProbeFailed', stampId: 'weu-001', ... } }
 */
export function classifyAlert(payload: unknown, receivedAt: string): AlertClassification {
  const parsed = commonAlertSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    return {
      kind: 'invalid',
      reason: `not an Azure Monitor common-alert-schema payload: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const alert = parsed.data;
  const { essentials } = alert.data;
  const stampId = findStampId(alert);
  if (stampId === undefined) {
    return {
      kind: 'unmatched',
      alertId: essentials.alertId,
      reason: `alert '${essentials.alertRule}' names no stamp (no customProperties.stampId, Origin dimension or stamp resource group)`,
    };
  }
  const type = signalType(alert);
  if (type === undefined) {
    return {
      kind: 'unmatched',
      alertId: essentials.alertId,
      reason: `alert '${essentials.alertRule}' (${essentials.monitorCondition}) on ${stampId} is neither a health-probe nor a capacity signal`,
    };
  }
  const fired = essentials.monitorCondition === 'Fired';
  const condition = firstCondition(alert);
  return {
    kind: 'signal',
    signal: {
      type,
      stampId,
      eventId: `${essentials.alertId}:${essentials.monitorCondition}`,
      alertId: essentials.alertId,
      alertRule: essentials.alertRule,
      observedAt: normalise(fired ? essentials.firedDateTime : (essentials.resolvedDateTime ?? receivedAt)),
      ...(essentials.severity === undefined ? {} : { severity: essentials.severity }),
      ...(condition?.metricName === undefined ? {} : { metricName: condition.metricName }),
      ...(typeof condition?.metricValue === 'number' ? { metricValue: condition.metricValue } : {}),
    },
  };
}

function firstCondition(alert: CommonAlert) {
  return alert.data.alertContext?.condition?.allOf?.[0];
}

function findStampId(alert: CommonAlert): string | undefined {
  const custom = alert.data.customProperties?.stampId?.trim().toLowerCase();
  if (custom !== undefined && STAMP_ID_PATTERN.test(custom)) return custom;

  for (const condition of alert.data.alertContext?.condition?.allOf ?? []) {
    for (const dimension of condition.dimensions ?? []) {
      const value = dimension.value.trim().toLowerCase();
      if (dimension.name.toLowerCase() === 'origin' && STAMP_ID_PATTERN.test(value)) return value;
    }
  }

  const { alertTargetIDs = [], configurationItems = [] } = alert.data.essentials;
  for (const target of [...alertTargetIDs, ...configurationItems]) {
    const id = RESOURCE_GROUP_STAMP.exec(target)?.[1]?.toLowerCase();
    if (id !== undefined && STAMP_ID_PATTERN.test(id)) return id;
  }
  return undefined;
}

/**
 * Health: Front Door `OriginHealthPercentage`, or `customProperties.signal = health-probe`.
 * Capacity: AKS node utilisation metrics (a `LessThan` rule means capacity low), or
 * `customProperties.signal = capacity-high | capacity-low`. A capacity alert's Resolved
 * notification asks for nothing.
 */
function signalType(alert: CommonAlert): StampSignalType | undefined {
  const fired = alert.data.essentials.monitorCondition === 'Fired';
  const declared = alert.data.customProperties?.signal?.trim().toLowerCase();
  const condition = firstCondition(alert);
  const metric = condition?.metricName?.toLowerCase();

  const isHealth =
    declared === 'health-probe' ||
    (declared === undefined && metric !== undefined && HEALTH_METRICS.has(metric));
  if (isHealth) return fired ? 'HealthProbeFailed' : 'HealthProbeRecovered';

  if (!fired) return undefined;
  if (declared === 'capacity-high') return 'CapacityHigh';
  if (declared === 'capacity-low') return 'CapacityLow';
  if (declared === undefined && metric !== undefined && CAPACITY_METRICS.has(metric)) {
    return condition?.operator?.toLowerCase().startsWith('less') === true ? 'CapacityLow' : 'CapacityHigh';
  }
  return undefined;
}

function normalise(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}
