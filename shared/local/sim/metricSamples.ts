import { CAPACITY_NODEPOOL, capacityHighRule, capacityLowRule, ORIGIN_HEALTH_RULE } from './alertRules';
import type { OriginHealthReading } from './frontDoor';
import type { MetricSample } from './metricAlertEvaluator';
import {
  aksClusterId,
  aksClusterName,
  FRONT_DOOR_ORIGIN_GROUP,
  FRONT_DOOR_PROFILE,
  frontDoorProfileId,
} from './resourceNames';

/** What the metrics need to know about a stamp beyond its origin. */
export interface StampMetricsSource {
  /**
   * The stamp cluster's node CPU, or undefined when the cluster reports nothing (not deployed,
   * workloads deleted, region down).
   */
  nodeCpuPercent(stampId: string): number | undefined;
}

/**
 * The samples of one evaluation, one pass over the live origins: Front Door's
 * `OriginHealthPercentage` per origin (100 Healthy, 0 Unhealthy), watched from the origin's
 * first Healthy verdict on, so a new origin warming up does not alert; and, for each stamp in
 * rotation (origin enabled), its cluster's `node_cpu_usage_percentage` against the high and low
 * capacity rules. Stamps out of rotation carry no load, so they raise no capacity signal.
 */
export function metricSamples(
  subscriptionId: string,
  origins: readonly OriginHealthReading[],
  source: StampMetricsSource,
): MetricSample[] {
  const samples: MetricSample[] = [];
  const profileId = frontDoorProfileId(subscriptionId);
  for (const origin of origins) {
    samples.push({
      rule: ORIGIN_HEALTH_RULE,
      targetKey: origin.stampId,
      targetId: profileId,
      targetName: FRONT_DOOR_PROFILE,
      dimensions: [
        { name: 'Origin', value: origin.stampId },
        { name: 'OriginGroup', value: FRONT_DOOR_ORIGIN_GROUP },
      ],
      value: origin.health === 'Healthy' ? 100 : 0,
      breached:
        origin.health === 'Healthy'
          ? false
          : origin.health === 'Unhealthy' && origin.everHealthy
            ? true
            : undefined,
    });
    if (!origin.enabled) continue;
    const cpu = source.nodeCpuPercent(origin.stampId);
    if (cpu === undefined) continue;
    const cluster = {
      targetKey: origin.stampId,
      targetId: aksClusterId(subscriptionId, origin.stampId),
      targetName: aksClusterName(origin.stampId),
      dimensions: [{ name: 'nodepool', value: CAPACITY_NODEPOOL }],
      value: cpu,
    };
    const high = capacityHighRule(origin.stampId);
    const low = capacityLowRule(origin.stampId);
    samples.push({ ...cluster, rule: high, breached: cpu > high.threshold });
    samples.push({ ...cluster, rule: low, breached: cpu < low.threshold });
  }
  return samples;
}
