export type { MetricAlertPayload } from './alertPayload';
export { CAPACITY_NODEPOOL, capacityHighRule, capacityLowRule, ORIGIN_HEALTH_RULE } from './alertRules';
export { seededRandom } from './random';
export { type SeededStamp, SimulatedAzure, type SimulatedAzureOptions } from './simulatedAzure';
export type * from './simulationControl';
