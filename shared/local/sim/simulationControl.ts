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
}

export interface SimulationControl {
  failStamp(stampId: string): void;
  recoverStamp(stampId: string): void;
  failRegion(region: string): void;
  recoverRegion(region: string): void;
  /** Sets node utilisation in a region; capacity alerts fire above 80 and below 20. */
  setLoad(region: string, utilization: number): void;
  /** Makes the next deployment (in a region, or anywhere) fail with the given ARM error code. */
  failNextDeployment(options?: { readonly region?: string; readonly code?: string }): void;
  state(): SimulationState;
}
