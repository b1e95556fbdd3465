import {
  alertIdFor,
  type AlertInstance,
  type MetricAlertPayload,
  metricAlertPayload,
  type MetricAlertRule,
  type MetricCriterion,
} from './alertPayload';
import { type Persisted, restoreCollections, saveCollections } from './persisted';

/** One metric value of one target, as a rule sees it at an evaluation. */
export interface MetricSample {
  readonly rule: MetricAlertRule;
  /** Identifies the target (and dimension values) within the rule. */
  readonly targetKey: string;
  readonly targetId: string;
  readonly targetName: string;
  readonly dimensions: MetricCriterion['dimensions'];
  readonly value: number;
  /** true: condition met; false: not met; undefined: undecided (e.g. an origin still warming up), no change. */
  readonly breached: boolean | undefined;
}

/**
 * Stateful metric alerts, as Azure Monitor's: an alert instance per (rule, target) fires once
 * when its condition is met and resolves once when it is no longer met (auto-mitigation), with
 * the same alert id. A target that stops reporting (origin removed, cluster gone, region down)
 * has its alert dropped without a notification, as a metric alert without data stays silent.
 * Work per evaluation is the samples given plus the alerts active.
 */
export class MetricAlertEvaluator {
  private readonly active = new Map<string, AlertInstance>();

  constructor(private readonly subscriptionId: string) {}

  /** The alerts firing, as JSON (--data-dir): a restarted simulation resolves them as it would have. */
  persisted(): Persisted {
    return saveCollections({ active: this.active });
  }

  restore(saved: Persisted): void {
    restoreCollections({ active: this.active }, saved);
    for (const [key, instance] of this.active)
      this.active.set(key, { ...instance, firedAt: new Date(instance.firedAt) });
  }

  evaluate(at: Date, samples: Iterable<MetricSample>): MetricAlertPayload[] {
    const notifications: MetricAlertPayload[] = [];
    const seen = new Set<string>();
    for (const sample of samples) {
      const key = `${sample.rule.name}|${sample.targetKey}`;
      seen.add(key);
      const active = this.active.get(key);
      if (sample.breached === true && active === undefined) {
        const instance: AlertInstance = {
          rule: sample.rule,
          targetKey: sample.targetKey,
          targetId: sample.targetId,
          targetName: sample.targetName,
          dimensions: sample.dimensions,
          alertId: alertIdFor(this.subscriptionId, sample.rule.name, sample.targetKey, at),
          firedAt: at,
        };
        this.active.set(key, instance);
        notifications.push(metricAlertPayload(instance, sample.value, at));
      } else if (sample.breached === false && active !== undefined) {
        this.active.delete(key);
        notifications.push(metricAlertPayload(active, sample.value, at, at));
      }
    }
    for (const key of this.active.keys()) {
      if (!seen.has(key)) this.active.delete(key);
    }
    return notifications;
  }

  activeAlerts(): AlertInstance[] {
    return [...this.active.values()];
  }
}
