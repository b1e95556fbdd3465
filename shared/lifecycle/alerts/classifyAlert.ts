import { CLUSTER_STAMP, RESOURCE_GROUP_STAMP, STAMP_ID_PATTERN } from '../stampNames';
import type { CommonAlert } from './commonAlertSchema';
import { commonAlertSchema } from './commonAlertSchema';

export type StampSignalType =
  | 'HealthProbeFailed'
  | 'HealthProbeRecovered'
  | 'CapacityHigh'
  | 'CapacityLow'
  /** A capacity alert's Resolved notification: it ends the capacity episode its Fired one began. */
  | 'CapacityResolved';

/** A stamp signal: what the alert receiver publishes to Event Grid (the `StampSignal` CloudEvent of `shared/app/stampSignalEvent.ts`). */
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
  | {
      readonly kind: 'unmatched';
      readonly alertId: string;
      /** `{alertId}:{Fired|Resolved}`, as a signal's would be. */
      readonly eventId: string;
      readonly alertRule: string;
      /** The stamp it named, when it named one but is not a signal. */
      readonly stampId?: string;
      readonly reason: string;
    }
  | { readonly kind: 'invalid'; readonly reason: string };

const HEALTH_METRICS = new Set(['originhealthpercentage']);
const CAPACITY_METRICS = new Set([
  'node_cpu_usage_percentage',
  'node_memory_working_set_percentage',
  'node_memory_rss_percentage',
]);

/** What the signal's text fields may hold once published (the signal event's own limits). */
const MAX_RULE_CHARS = 256;
const MAX_SEVERITY_CHARS = 64;
const MAX_METRIC_CHARS = 256;

/**
 * Maps an Azure Monitor common-alert-schema payload to a stamp signal. The stamp is found by a
 * declared `stampId` (custom properties, the alert context's properties, Prometheus labels), else
 * a metric dimension `Origin` or `stampId` (origins are named after their stamp), else the stamp's
 * AKS cluster (`aks-synaxis-{id}`: a configuration item or the Prometheus `cluster` label), else
 * a target resource inside `rg-synaxis-stamp-{id}`. `receivedAt` stands in for a Resolved time
 * that the alert did not carry (log alerts have none).
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
  const rule = cut(essentials.alertRule ?? '(unnamed rule)', MAX_RULE_CHARS);
  const eventId = `${essentials.alertId}:${essentials.monitorCondition}`;
  const stampId = findStampId(alert);
  if (stampId === undefined) {
    return {
      kind: 'unmatched',
      alertId: essentials.alertId,
      eventId,
      alertRule: rule,
      reason: `alert '${rule}' names no stamp (no stampId property or label, Origin dimension, stamp cluster or stamp resource group)`,
    };
  }
  const type = signalType(alert) ?? (isCapacityResolved(alert) ? 'CapacityResolved' : undefined);
  if (type === undefined) {
    return {
      kind: 'unmatched',
      alertId: essentials.alertId,
      eventId,
      alertRule: rule,
      stampId,
      reason: `alert '${rule}' (${essentials.monitorCondition}) on ${stampId} is ${describeNonSignal(alert)}`,
    };
  }
  const fired = essentials.monitorCondition === 'Fired';
  const condition = signalCondition(alert);
  const time = fired ? essentials.firedDateTime : essentials.resolvedDateTime;
  return {
    kind: 'signal',
    signal: {
      type,
      stampId,
      eventId,
      alertId: essentials.alertId,
      alertRule: rule,
      observedAt: normalise(time ?? receivedAt),
      ...(essentials.severity === undefined
        ? {}
        : { severity: cut(essentials.severity, MAX_SEVERITY_CHARS) }),
      ...(condition?.metricName === undefined
        ? {}
        : { metricName: cut(condition.metricName, MAX_METRIC_CHARS) }),
      ...(condition?.metricValue !== undefined && Number.isFinite(condition.metricValue)
        ? { metricValue: condition.metricValue }
        : {}),
    },
  };
}

type Condition = NonNullable<NonNullable<CommonAlert['data']['alertContext']>['condition']>['allOf'][number];

function conditions(alert: CommonAlert): Condition[] {
  return alert.data.alertContext?.condition?.allOf ?? [];
}

/** The condition that makes the signal: a health or capacity metric if any, else the first. */
function signalCondition(alert: CommonAlert): Condition | undefined {
  const all = conditions(alert);
  const known = (c: Condition) => {
    const metric = c.metricName?.toLowerCase();
    return metric !== undefined && (HEALTH_METRICS.has(metric) || CAPACITY_METRICS.has(metric));
  };
  return all.find(known) ?? all[0];
}

/** A property the alert declares, from the first place that has it. */
function declared(alert: CommonAlert, key: 'stampId' | 'signal'): string | undefined {
  const { customProperties, alertContext } = alert.data;
  for (const source of [customProperties, alertContext?.properties ?? {}, alertContext?.labels ?? {}]) {
    const value = source[key]?.trim().toLowerCase();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function stampIn(value: string, pattern?: RegExp): string | undefined {
  const candidate = (pattern === undefined ? value : pattern.exec(value.trim())?.[1])?.trim().toLowerCase();
  return candidate !== undefined && STAMP_ID_PATTERN.test(candidate) ? candidate : undefined;
}

function findStampId(alert: CommonAlert): string | undefined {
  const custom = declared(alert, 'stampId');
  if (custom !== undefined && STAMP_ID_PATTERN.test(custom)) return custom;

  for (const condition of conditions(alert)) {
    for (const dimension of condition.dimensions) {
      const name = dimension.name.toLowerCase();
      const found = name === 'origin' || name === 'stampid' ? stampIn(dimension.value) : undefined;
      if (found !== undefined) return found;
    }
  }

  const { alertTargetIDs, configurationItems } = alert.data.essentials;
  const cluster = alert.data.alertContext?.labels.cluster;
  for (const item of [...(cluster === undefined ? [] : [cluster]), ...configurationItems]) {
    const found = stampIn(item, CLUSTER_STAMP);
    if (found !== undefined) return found;
  }
  for (const target of [...alertTargetIDs, ...configurationItems]) {
    const found = stampIn(target, RESOURCE_GROUP_STAMP);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Health: Front Door `OriginHealthPercentage`, or a declared `signal = health-probe`.
 * Capacity: AKS node utilisation metrics (a `LessThan` rule means capacity low), or a declared
 * `signal = capacity-high | capacity-low`. A capacity alert's Resolved notification is
 * `CapacityResolved` (see `isCapacityResolved`).
 */
function signalType(alert: CommonAlert): StampSignalType | undefined {
  const fired = alert.data.essentials.monitorCondition === 'Fired';
  const signal = declared(alert, 'signal');
  const condition = signalCondition(alert);
  const metric = condition?.metricName?.toLowerCase();

  const isHealth =
    signal === 'health-probe' || (signal === undefined && metric !== undefined && HEALTH_METRICS.has(metric));
  if (isHealth) return fired ? 'HealthProbeFailed' : 'HealthProbeRecovered';

  if (!fired) return undefined;
  if (signal === 'capacity-high') return 'CapacityHigh';
  if (signal === 'capacity-low') return 'CapacityLow';
  if (signal === undefined && metric !== undefined && CAPACITY_METRICS.has(metric)) {
    return condition?.operator?.toLowerCase().startsWith('less') === true ? 'CapacityLow' : 'CapacityHigh';
  }
  return undefined;
}

function isCapacityResolved(alert: CommonAlert): boolean {
  if (alert.data.essentials.monitorCondition !== 'Resolved') return false;
  const signal = declared(alert, 'signal');
  return (
    signal === 'capacity-high' ||
    signal === 'capacity-low' ||
    (signal === undefined && isCapacityMetric(signalCondition(alert)?.metricName))
  );
}

/** Why an alert on a stamp is not a signal, in words an operator can act on. */
function describeNonSignal(alert: CommonAlert): string {
  const signal = declared(alert, 'signal');
  const metric = signalCondition(alert)?.metricName;
  if (signal !== undefined) {
    return `declared signal '${cut(signal, 64)}', which is none of health-probe, capacity-high, capacity-low`;
  }
  const what = metric === undefined ? alert.data.essentials.monitoringService : `metric '${metric}'`;
  return `neither a health-probe nor a capacity signal (${cut(what ?? 'unknown kind', 64)})`;
}

function isCapacityMetric(metric: string | undefined): boolean {
  return metric !== undefined && CAPACITY_METRICS.has(metric.toLowerCase());
}

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function normalise(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}

/**
 * The `{alertId}:{Fired|Resolved}` of a payload, read without validating the rest: enough to
 * recognise a duplicate of an alert already taken, before the full (and costlier) classification.
 * Undefined when the payload does not carry both as the schema requires.
 */
export function peekAlertEventId(payload: unknown): string | undefined {
  const essentials = member(member(payload, 'data'), 'essentials');
  const alertId = member(essentials, 'alertId');
  const condition = member(essentials, 'monitorCondition');
  if (typeof alertId !== 'string' || alertId.length === 0 || alertId.length > 1000) return undefined;
  if (condition !== 'Fired' && condition !== 'Resolved') return undefined;
  return `${alertId}:${condition}`;
}

function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
