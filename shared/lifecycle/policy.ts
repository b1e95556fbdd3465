/** A region the control plane may place stamps in (guard 3). */
export interface RegionPolicy {
  /** Azure region name, e.g. `westeurope`. */
  readonly name: string;
  /** Short code used in stamp ids, e.g. `weu` → `weu-001`. */
  readonly code: string;
  /** Lower is preferred when a stamp may go to another region. */
  readonly priority: number;
  readonly max: number;
  /**
   * The desired stamp count until an operator or a capacity alert sets another (0 to max;
   * default max). 0 starts the region empty: nothing is placed there until a stamp is asked for.
   */
  readonly desired?: number;
}

/** The progressive traffic ramp of a stamp entering rotation, and its canary check. */
export interface RampPolicy {
  /**
   * Each step's share of a full origin weight, increasing and ending at 100 (e.g. 1, 10, 50, 100).
   * `[]` or `[100]`: no ramp, a stamp takes its full weight as it enters rotation.
   */
  readonly stepsPercent: readonly number[];
  /** How long each step runs before its canary comparison decides the next. */
  readonly bakeMinutes: number;
  readonly maxErrorPercentAbovePeers: number;
  readonly maxLatencyRatio: number;
  readonly minRequests: number;
  /** Bakes in a row with too little traffic after which the step is passed anyway (noted in the audit). */
  readonly maxLowTrafficBakes: number;
}

/** Warm spares: deployed and registered, origin disabled, promoted when a region is short. */
export interface SparePolicy {
  /** Spares each region keeps; they hold capacity slots (the region's max) but not desired capacity. */
  readonly perRegion: number;
  /** A spare older than this is replaced by a fresh one (it never drifts from the current template). */
  readonly maxAgeHours: number;
}

/**
 * Everything the pure core needs to know about configuration. Built once from settings by
 * `loadConfig` (shared/config) and passed in; the core never reads the environment.
 */
export interface LifecyclePolicy {
  readonly regions: readonly RegionPolicy[];
  readonly totalMax: number;
  readonly drainMinutes: number;
  readonly retentionDays: number;
  readonly minInRotationPerRegion: number;
  readonly maxUnhealthyPercent: number;
  readonly isolationGraceMinutes: number;
  /** How far a replacement for an isolated stamp may exceed its region's max. */
  readonly replacementSurgePerRegion: number;
  readonly registrationTimeoutMinutes: number;
  /**
   * How long a health-probe failure waits before the isolation is decided, so that alerts
   * fired together are judged together (blast radius, region outage); 0 decides at once.
   */
  readonly alertCorrelationSeconds: number;
  /** Minimum time between two automatic scale actions in one region. */
  readonly scaleCooldownMinutes: number;
  /** A failed stamp is cleaned up by the fleet reconciler this long after it failed; 0: never. */
  readonly failedCleanupMinutes: number;
  readonly ramp: RampPolicy;
  readonly spares: SparePolicy;
  readonly quarantine: {
    /** Run the automatic checks when a stamp enters quarantine. */
    readonly autoVerify: boolean;
    /** Also require an operator's approval before decommissioning. */
    readonly requireHumanApproval: boolean;
    /** Four eyes: whoever started a stamp's drain or isolation cannot approve its verification. */
    readonly fourEyes: boolean;
  };
}

export const DEFAULT_RAMP: RampPolicy = {
  stepsPercent: [1, 10, 50, 100],
  bakeMinutes: 10,
  maxErrorPercentAbovePeers: 2,
  maxLatencyRatio: 1.5,
  minRequests: 50,
  maxLowTrafficBakes: 3,
};

/** The seed's defaults (the architecture this product automates): three regions, ten stamps. */
export const DEFAULT_POLICY: LifecyclePolicy = {
  regions: [
    { name: 'westeurope', code: 'weu', priority: 1, max: 4 },
    { name: 'eastus', code: 'eus', priority: 2, max: 3 },
    { name: 'southeastasia', code: 'sea', priority: 3, max: 3 },
  ],
  totalMax: 10,
  drainMinutes: 30,
  retentionDays: 30,
  minInRotationPerRegion: 1,
  maxUnhealthyPercent: 40,
  isolationGraceMinutes: 15,
  replacementSurgePerRegion: 1,
  registrationTimeoutMinutes: 15,
  scaleCooldownMinutes: 15,
  failedCleanupMinutes: 60,
  alertCorrelationSeconds: 60,
  ramp: DEFAULT_RAMP,
  spares: { perRegion: 0, maxAgeHours: 168 },
  quarantine: { autoVerify: true, requireHumanApproval: false, fourEyes: true },
};

export function regionPolicy(policy: LifecyclePolicy, name: string): RegionPolicy | undefined {
  return policy.regions.find((region) => region.name === name);
}
