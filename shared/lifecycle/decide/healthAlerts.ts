import type { HealthAlert, StampHealth } from '../stamp';
import { addMinutes, isBefore } from '../time';

/**
 * Alert times come from the sender's clock. One more than this far ahead of ours is clamped to
 * `now + skew` (and the decision says so), so a wrong or crafted time cannot outrank later alerts.
 */
export const ALERT_CLOCK_SKEW_MINUTES = 5;
/**
 * How long a stamp remembers its health alerts (the receiver's signal log keeps alert ids for 7
 * days, longer). An alert older than this cannot be ordered against what was seen, so it changes
 * nothing: the current probe state stands.
 */
export const ALERT_MEMORY_HOURS = 24;
/**
 * At most this many health alerts are remembered per stamp. Resolved ones are forgotten first; a
 * firing one is never forgotten (a flood of other alerts must not erase a real failure). When
 * every remembered alert fires, a new Fired cannot be remembered: `overflowAt` then keeps the
 * probe failing for the alert memory, whatever Resolved notifications follow.
 */
export const HEALTH_ALERT_MEMORY = 32;

/** The oldest alert time the memory still orders; anything before it changes nothing. */
export function alertMemoryStart(now: string): string {
  return addMinutes(now, -ALERT_MEMORY_HOURS * 60);
}

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
  const oldest = alertMemoryStart(now);
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
  const incoming: HealthAlert = { alertId: alert.alertId, state: alert.state, at };
  const alerts = bounded(others, incoming);
  const forgotten = incoming.state === 'firing' && !alerts.includes(incoming);
  const { heldBy, overflowAt: previousOverflow, ...rest } = health;
  const overflowAt = forgotten
    ? at
    : previousOverflow !== undefined && !isBefore(previousOverflow, oldest)
      ? previousOverflow
      : undefined;
  const stillFiring = alerts.filter((a) => a.state === 'firing' && a.alertId !== alert.alertId);
  const probe = alerts.some((a) => a.state === 'firing') || overflowAt !== undefined ? 'failing' : 'healthy';
  return {
    kind: 'applied',
    health: {
      ...rest,
      probe,
      observedAt: at,
      alertId: alert.alertId,
      alerts,
      ...(overflowAt === undefined ? {} : { overflowAt }),
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
