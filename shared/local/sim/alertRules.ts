import type { MetricAlertRule } from './alertPayload';
import { CAPACITY_HIGH_PERCENT, CAPACITY_LOW_PERCENT } from './durations';
import { aksClusterName } from './resourceNames';

/**
 * The metric alert rules the simulation evaluates, shaped like the real ones: Front Door's
 * origin health split by the `Origin` dimension (one rule on the profile), and per stamp the
 * capacity pair that infra/stamp/modules/aks.bicep creates on the cluster (names and operators
 * as there; thresholds 80/20 as the simulation control documents).
 */
export const ORIGIN_HEALTH_RULE: MetricAlertRule = {
  name: 'frontdoor-origin-health',
  description: 'A stamp origin fails its Front Door health probes.',
  severity: 'Sev1',
  metricName: 'OriginHealthPercentage',
  metricNamespace: 'Microsoft.Cdn/profiles',
  operator: 'LessThan',
  threshold: 50,
  windowSize: 'PT1M',
};

export function capacityHighRule(stampId: string): MetricAlertRule {
  return {
    name: `capacity-high-${aksClusterName(stampId)}`,
    description: 'Stamp capacity high: average node CPU above the scale-out threshold.',
    severity: 'Sev2',
    metricName: 'node_cpu_usage_percentage',
    metricNamespace: 'Microsoft.ContainerService/managedClusters',
    operator: 'GreaterThan',
    threshold: CAPACITY_HIGH_PERCENT,
    windowSize: 'PT5M',
  };
}

export function capacityLowRule(stampId: string): MetricAlertRule {
  return {
    ...capacityHighRule(stampId),
    name: `capacity-low-${aksClusterName(stampId)}`,
    description: 'Stamp capacity low: average node CPU below the scale-in threshold.',
    operator: 'LessThan',
    threshold: CAPACITY_LOW_PERCENT,
  };
}

/** The node pool the capacity metric is reported for (the stamp's user pool, which carries the load). */
export const CAPACITY_NODEPOOL = 'user';
