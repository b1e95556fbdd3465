import type { HealthAlert, StampHealth } from '../stamp';
import { addMinutes, isBefore } from '../time';

/**
 * Alert times come from the sender's clock. One more than this far ahead of ours is clamped to
 * `now + skew` (and the decision says so), so a wrong or crafted time cannot outrank later alerts.
 */
export const ALERT_CLOCK_SKEW_MINUTES = 5;
/**
 * How long alert ids are remembered (here and by the alert receiver's record of seen alerts). An
 * alert older than this cannot be ordered against what was seen, so it changes nothing: the
 * current probe state stands.
 */
export const ALERT_MEMORY_HOURS = 24;
/**
 * At most this many health alerts are remembered per stamp. Resolved ones are forgotten first; a
 * firing one is never forgotten (a flood of other alerts must not erase a real failure), so when
 * every remembered alert fires a new Fired is not remembered: the probe is failing either way.
 */
export const HEALTH_ALERT_MEMORY = 32;

export interface HealthAlertInput {
  readonly alertId: string;
  readonly state: HealthAlert['state'];
  readonly observedAt: string;
}

export type HealthAlertResult =
  | { readonly kind: 'stale'; readonly detail: string }
  | {
      readonly kind: 'applied';
      readonly health: StampHealth;
      /** Set when the alert's time was ahead of the clock by more than the skew. */
      readonly clampedFrom?: string;
      /** Other alerts still firing after a Resolved (their ids). */
      readonly stillFiring: readonly string[];
    };

/**
 * The alerts a stamp remembers. Documents written before per-alert memory carry only the last
 * alert id and time; that alert is the one remembered.
 */
export function rememberedAlerts(health: StampHealth): HealthAlert[] {
  if (health.alerts !== undefined) return [...health.alerts];
  if (health.alertId === undefined || health.observedAt === undefined) return [];
  return [
    {
      alertId: health.alertId,
      state: health.probe === 'failing' ? 'firing' : 'resolved',
      at: health.observedAt,
    },
  ];
}

/**
 * Applies one health alert to a stamp's health: each alert id is ordered only against its own
 * earlier notifications (a Fired after its own Resolved, or anything not newer, is stale), and the
 * probe is failing while any remembered alert fires. Pure: `now` is the control plane's clock.
 *
 * @example
 * applyHealthAlert(stamp.health, { alertId: 'a1', state: 'firing', observedAt }, now)
 * // → { kind: 'applied', health: { probe: 'failing', alerts: [...] }, stillFiring: [] }
 */
export function applyHealthAlert(
  health: StampHealth,
  alert: HealthAlertInput,
  now: string,
): HealthAlertResult {
  const latest = addMinutes(now, ALERT_CLOCK_SKEW_MINUTES);
  const clamped = isBefore(latest, alert.observedAt);
  const at = clamped ? latest : new Date(Date.parse(alert.observedAt)).toISOString();
  const oldest = addMinutes(now, -ALERT_MEMORY_HOURS * 60);
  if (isBefore(at, oldest)) {
    return {
      kind: 'stale',
      detail: `alert ${alert.alertId} observed at ${alert.observedAt} is older than the ${ALERT_MEMORY_HOURS} h alert memory; the current probe state (${health.probe}) stands`,
    };
  }
  const remembered = rememberedAlerts(health).map((a) =>
    // A remembered time ahead of our clock (a skewed sender, or a document from before clamping)
    // counts as now, so the alert's next notification is not stale because of it.
    isBefore(now, a.at) ? { ...a, at: now } : a,
  );
  const previous = remembered.find((a) => a.alertId === alert.alertId);
  if (previous !== undefined && !isBefore(previous.at, at)) {
    return {
      kind: 'stale',
      detail: `alert ${alert.alertId} observed at ${at} is not newer than its ${previous.state} notification at ${previous.at}`,
    };
  }
  const others = remembered.filter(
    (a) => a.alertId !== alert.alertId && (a.state === 'firing' || !isBefore(a.at, oldest)),
  );
  const alerts = bounded(others, { alertId: alert.alertId, state: alert.state, at });
  const stillFiring = alerts.filter((a) => a.state === 'firing' && a.alertId !== alert.alertId);
  const { heldBy, ...rest } = health;
  const probe = alerts.some((a) => a.state === 'firing') ? 'failing' : 'healthy';
  return {
    kind: 'applied',
    health: {
      ...rest,
      probe,
      observedAt: at,
      alertId: alert.alertId,
      alerts,
      ...(heldBy === undefined || probe !== 'failing' ? {} : { heldBy }),
    },
    ...(clamped ? { clampedFrom: alert.observedAt } : {}),
    stillFiring: stillFiring.map((a) => a.alertId),
  };
}

function bounded(others: readonly HealthAlert[], incoming: HealthAlert): HealthAlert[] {
  const kept = [...others].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  while (kept.length >= HEALTH_ALERT_MEMORY) {
    const resolved = kept.findIndex((a) => a.state === 'resolved');
    // Every remembered alert fires: the probe is failing whatever `incoming` says.
    if (resolved === -1) return kept;
    kept.splice(resolved, 1);
  }
  return [...kept, incoming];
}
