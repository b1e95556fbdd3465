/**
 * The port to the global load balancer (Azure Front Door Standard/Premium): one origin per
 * stamp in one origin group, named after the stamp id. Every operation is idempotent:
 * creating an existing origin updates it, removing a missing one succeeds.
 * Isolation is `enabled: false`, never a failing probe: Front Door fails open.
 */
export interface OriginSpec {
  readonly stampId: string;
  readonly hostName: string;
  /** 1-5, lower wins. */
  readonly priority: number;
  /** 1-1000. */
  readonly weight: number;
  readonly enabled: boolean;
}

export interface OriginState {
  readonly stampId: string;
  readonly hostName: string;
  readonly enabled: boolean;
  readonly priority: number;
  readonly weight: number;
}

export interface TrafficManager {
  upsertOrigin(spec: OriginSpec): Promise<void>;
  /** NotFoundError if the stamp has no origin. */
  setOriginEnabled(stampId: string, enabled: boolean): Promise<void>;
  /** A ramp step: the origin's weight (1-1000), its other properties untouched. NotFoundError if the stamp has no origin. */
  setOriginWeight(stampId: string, weight: number): Promise<void>;
  removeOrigin(stampId: string): Promise<void>;
  getOrigin(stampId: string): Promise<OriginState | undefined>;
  listOrigins(): Promise<OriginState[]>;
}

/**
 * Whether a stamp answers its health endpoint the way Front Door's probes require (HTTP 200
 * on the probe path). Used while registering, before Front Door's own metrics exist.
 */
export interface OriginHealthProbe {
  check(hostName: string): Promise<'Healthy' | 'Unhealthy'>;
}
