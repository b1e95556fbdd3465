import { ValidationError } from '../../errors';
import type { RegionPolicy } from '../../lifecycle/policy';
import { DEFAULT_LOAD_PERCENT } from './durations';
import type { Collections } from './persisted';

/**
 * The simulated regions: their quotas (from the lifecycle policy), which are down, and their
 * node utilisation. Unknown region names are refused, so a typo in a `/sim` call fails loudly
 * instead of simulating nothing.
 */
export class SimulatedRegions {
  private readonly policies = new Map<string, RegionPolicy>();
  private readonly failed = new Set<string>();
  private readonly load = new Map<string, number>();

  constructor(regions: readonly RegionPolicy[], initialLoad: number = DEFAULT_LOAD_PERCENT) {
    checkUtilization(initialLoad);
    for (const region of regions) {
      this.policies.set(region.name, region);
      this.load.set(region.name, initialLoad);
    }
  }

  /** What this part of the simulation keeps across a restart (--data-dir), by name. */
  persistedCollections(): Collections {
    return { failed: this.failed, load: this.load };
  }

  /** The region's policy; ValidationError for a region the simulation does not have. */
  policy(name: string): RegionPolicy {
    const policy = this.policies.get(name);
    if (policy === undefined) {
      throw new ValidationError(
        `region '${name}' is not simulated (known: ${[...this.policies.keys()].join(', ')})`,
        'region',
      );
    }
    return policy;
  }

  fail(name: string): void {
    this.policy(name);
    this.failed.add(name);
  }

  recover(name: string): void {
    this.policy(name);
    this.failed.delete(name);
  }

  isFailed(name: string): boolean {
    return this.failed.has(name);
  }

  setLoad(name: string, utilization: number): void {
    this.policy(name);
    checkUtilization(utilization);
    this.load.set(name, utilization);
  }

  loadOf(name: string): number {
    return this.load.get(name) ?? DEFAULT_LOAD_PERCENT;
  }

  failedNames(): string[] {
    return [...this.failed];
  }

  loads(): Record<string, number> {
    return Object.fromEntries(this.load);
  }
}

function checkUtilization(utilization: number): void {
  if (!Number.isFinite(utilization) || utilization < 0 || utilization > 100) {
    throw new ValidationError(
      `utilization must be a number from 0 to 100, got ${utilization}`,
      'utilization',
    );
  }
}
