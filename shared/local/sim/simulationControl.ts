import type { ActiveFault, ChaosRequest } from './chaos';

/**
 * The controls of the simulated Azure, served by the local host under `/sim/*` (absent on
 * Azure) and used by end-to-end tests and the dashboard.
 */
export interface SimulatedOrigin {
  readonly stampId: string;
  readonly hostName: string;
  readonly enabledState: 'Enabled' | 'Disabled';
  readonly priority: number;
  readonly weight: number;
  /** What Front Door's probes see: 3 consecutive failures make an origin unhealthy. */
  readonly health: 'Healthy' | 'Unhealthy' | 'Unknown';
}

export interface SimulatedDeployment {
  readonly name: string;
  readonly stampId: string;
  readonly region: string;
  readonly state: 'Running' | 'Succeeded' | 'Failed';
  readonly startedAt: string;
  readonly endsAt: string;
  /** The ARM error code of a Failed (or doomed, still Running) deployment. */
  readonly failureCode?: string;
}

export interface SimulatedResourceGroup {
  readonly name: string;
  readonly region: string;
  readonly state: 'Exists' | 'Deleting' | 'Deleted';
}

export interface SimulationState {
  readonly now: string;
  readonly deployments: readonly SimulatedDeployment[];
  readonly resourceGroups: readonly SimulatedResourceGroup[];
  readonly origins: readonly SimulatedOrigin[];
  /** Stamps (by id) whose health endpoint is failing, and regions that are down. */
  readonly failingStamps: readonly string[];
  readonly failedRegions: readonly string[];
  /** Node utilisation per region, 0-100. */
  readonly load: Readonly<Record<string, number>>;
  /** Metric alerts currently Fired (their Resolved notification not yet sent). */
  readonly activeAlerts: readonly SimulatedAlert[];
  /** Delivery of alert notifications to `onAlert`: failed ones are retried at the next evaluation. */
  readonly alertDelivery: {
    readonly pending: number;
    /** A delivery pass is running. */
    readonly delivering: boolean;
    /** The last pass stopped at a failed delivery; the rest waits for the next evaluation. */
    readonly waitingForRetry: boolean;
    readonly delivered: number;
    readonly failedDeliveries: number;
    readonly lastDeliveryError?: string;
    /** Held back by a `delay-alerts` fault. */
    readonly delayed: number;
  };
  /** The chaos console's faults that are active now. */
  readonly chaos: readonly ActiveFault[];
}

export interface SimulatedAlert {
  readonly alertId: string;
  readonly alertRule: string;
  readonly metricName: string;
  /** The stamp the alert is about (its origin, or its cluster). */
  readonly stampId: string;
  readonly firedDateTime: string;
}

export interface SimulationControl {
  /** Whether the simulation has ever deployed the stamp: the controls of an unknown stamp are a 404. */
  hasStamp(stampId: string): boolean;
  failStamp(stampId: string): void;
  recoverStamp(stampId: string): void;
  failRegion(region: string): void;
  recoverRegion(region: string): void;
  /** Sets node utilisation in a region; capacity alerts fire above 80 and below 20. */
  setLoad(region: string, utilization: number): void;
  /** Makes the next deployment (in a region, or anywhere) fail with the given ARM error code. */
  failNextDeployment(options?: { readonly region?: string; readonly code?: string }): void;
  /** Makes the stamp's quarantine checks fail (the run going on and later ones) until `recoverStamp`. */
  failQuarantineChecks(stampId: string): void;
  /** The chaos console (`/sim/chaos/*`): see `CHAOS_KINDS`. */
  injectFault(request: ChaosRequest): ActiveFault;
  clearFault(id: string): boolean;
  clearAllFaults(): number;
  state(): SimulationState;
}
