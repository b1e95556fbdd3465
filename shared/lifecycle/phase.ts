/** The phases of a stamp's life, in order (docs/architecture.md §3), plus `failed`. */
export const PHASES = [
  'provisioning',
  'registering',
  'active',
  'draining',
  'quarantined',
  'decommissioning',
  'archived',
  'purged',
  'failed',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Whether Front Door sends the stamp traffic. Only an `active` stamp is ever `in-rotation`;
 * `standby` is a warm spare: active, its origin registered but disabled, waiting to be promoted.
 */
export const TRAFFIC_STATES = ['in-rotation', 'isolated', 'standby', 'none'] as const;
export type Traffic = (typeof TRAFFIC_STATES)[number];

/** Phases that hold a region's capacity: a region's max counts these (guard 3). */
export const CAPACITY_PHASES: ReadonlySet<Phase> = new Set<Phase>([
  'provisioning',
  'registering',
  'active',
  'draining',
]);

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function holdsCapacity(phase: Phase): boolean {
  return CAPACITY_PHASES.has(phase);
}
