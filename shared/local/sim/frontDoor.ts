import { NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { OriginHealthProbe, OriginSpec, OriginState, TrafficManager } from '../../ports/trafficManager';
import { ORIGIN_WARM_UP, PROBES_TO_FLIP_HEALTH } from './durations';
import type { Collections } from './persisted';
import { drawDuration, type Random } from './random';
import { settle } from './settle';
import type { SimulatedOrigin } from './simulationControl';
import { TrafficDrains } from './trafficDrains';

type OriginHealth = SimulatedOrigin['health'];

interface OriginRecord {
  readonly stampId: string;
  hostName: string;
  priority: number;
  weight: number;
  enabled: boolean;
  /** Probes fail before this instant: the new origin is not yet reachable through Front Door. */
  readonly warmUpEndsAt: number;
  health: OriginHealth;
  /** The outcome of the last probe and how many probes in a row had it. */
  lastProbeOk?: boolean;
  streak: number;
  /** Whether the origin was ever Healthy: the health alert watches an origin from then on. */
  everHealthy: boolean;
}

/** What a probe of a stamp's health endpoint would see, apart from the origin's own warm-up. */
export type StampProbe = (stampId: string, at: number) => boolean;

/** A health reading of one origin, for the alert rules. */
export interface OriginHealthReading {
  readonly stampId: string;
  readonly enabled: boolean;
  readonly health: OriginHealth;
  readonly everHealthy: boolean;
}

/**
 * Simulated Front Door: one origin group, one origin per stamp, with the port's idempotent
 * semantics, and synthetic health probes. Every probe round (`probeAll`, every 30 s) probes
 * each origin, disabled ones included: the health alert of an isolated stamp must still be
 * able to resolve when it recovers. An origin's health flips after 3 consecutive probes with
 * the same outcome (Unknown until then): the origin group's sampleSize/successfulSamplesRequired,
 * simplified to a run of three. A probe fails while the origin warms up (1-3.5 min after it was
 * added) and whenever `stampProbe` says the stamp is not answering.
 */
export class SimulatedFrontDoor implements TrafficManager, OriginHealthProbe {
  private readonly origins = new Map<string, OriginRecord>();
  /** Stamps that took traffic once: they have in-flight requests to drain when they leave rotation. */
  private readonly servedTraffic = new Set<string>();
  private readonly drains = new TrafficDrains();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly stampProbe: StampProbe,
    private readonly loadOf: (stampId: string) => number,
  ) {}

  /** What this part of the simulation keeps across a restart (--data-dir), by name. */
  persistedCollections(): Collections {
    return {
      origins: this.origins,
      servedTraffic: this.servedTraffic,
      ...this.drains.persistedCollections(),
    };
  }

  upsertOrigin(spec: OriginSpec): Promise<void> {
    return settle(() => this.upsert(spec));
  }

  setOriginEnabled(stampId: string, enabled: boolean): Promise<void> {
    return settle(() => {
      const origin = this.origins.get(stampId);
      if (origin === undefined) throw new NotFoundError(`stamp '${stampId}' has no origin`);
      this.applyEnabled(origin, enabled);
    });
  }

  setOriginWeight(stampId: string, weight: number): Promise<void> {
    return settle(() => {
      const origin = this.origins.get(stampId);
      if (origin === undefined) throw new NotFoundError(`stamp '${stampId}' has no origin`);
      checkSpec({ ...toOriginState(origin), weight });
      origin.weight = weight;
    });
  }

  removeOrigin(stampId: string): Promise<void> {
    return settle(() => {
      const origin = this.origins.get(stampId);
      if (origin === undefined) return;
      // Removing an origin in rotation takes it out of rotation: its requests drain.
      this.applyEnabled(origin, false);
      this.origins.delete(stampId);
    });
  }

  getOrigin(stampId: string): Promise<OriginState | undefined> {
    const origin = this.origins.get(stampId);
    return Promise.resolve(origin === undefined ? undefined : toOriginState(origin));
  }

  listOrigins(): Promise<OriginState[]> {
    return Promise.resolve([...this.origins.values()].map(toOriginState));
  }

  /**
   * Answers from the probes' verdict on the origin with this host name; an origin still
   * Unknown, and a host name no origin has, is Unhealthy (nothing proves it answers).
   */
  check(hostName: string): Promise<'Healthy' | 'Unhealthy'> {
    for (const origin of this.origins.values()) {
      if (origin.hostName === hostName) {
        return Promise.resolve(origin.health === 'Healthy' ? 'Healthy' : 'Unhealthy');
      }
    }
    return Promise.resolve('Unhealthy');
  }

  private upsert(spec: OriginSpec): void {
    checkSpec(spec);
    const existing = this.origins.get(spec.stampId);
    if (existing === undefined) {
      const now = this.clock.now().getTime();
      this.origins.set(spec.stampId, {
        stampId: spec.stampId,
        hostName: spec.hostName,
        priority: spec.priority,
        weight: spec.weight,
        enabled: spec.enabled,
        warmUpEndsAt: now + drawDuration(this.random, ORIGIN_WARM_UP),
        health: 'Unknown',
        streak: 0,
        everHealthy: false,
      });
      if (spec.enabled) this.drains.cancel(spec.stampId);
      return;
    }
    // An update keeps the origin's probe history: Front Door does not re-probe from scratch.
    existing.hostName = spec.hostName;
    existing.priority = spec.priority;
    existing.weight = spec.weight;
    this.applyEnabled(existing, spec.enabled);
  }

  /** One probe round at `at`: one probe per origin. */
  probeAll(at: number): void {
    for (const origin of this.origins.values()) {
      const ok = at >= origin.warmUpEndsAt && this.stampProbe(origin.stampId, at);
      origin.streak = origin.lastProbeOk === ok ? origin.streak + 1 : 1;
      origin.lastProbeOk = ok;
      if (origin.streak >= PROBES_TO_FLIP_HEALTH) origin.health = ok ? 'Healthy' : 'Unhealthy';
      if (origin.health === 'Healthy') {
        origin.everHealthy = true;
        if (origin.enabled) this.servedTraffic.add(origin.stampId);
      }
    }
  }

  /** In rotation: in proportion to the load; leaving it: draining; otherwise none. */
  inFlightRequests(stampId: string, at: number): number {
    if (!this.servedTraffic.has(stampId)) return 0;
    const origin = this.origins.get(stampId);
    if (origin?.enabled === true) return TrafficDrains.steadyInFlight(this.loadOf(stampId));
    return this.drains.remaining(stampId, at);
  }

  readings(): OriginHealthReading[] {
    return [...this.origins.values()].map((origin) => ({
      stampId: origin.stampId,
      enabled: origin.enabled,
      health: origin.health,
      everHealthy: origin.everHealthy,
    }));
  }

  /** An origin for a stamp that is already in rotation and healthy (the local host's seed fleet). */
  seedHealthy(spec: OriginSpec): void {
    checkSpec(spec);
    const now = this.clock.now().getTime();
    this.origins.set(spec.stampId, {
      ...spec,
      warmUpEndsAt: now,
      health: 'Healthy',
      lastProbeOk: true,
      streak: PROBES_TO_FLIP_HEALTH,
      everHealthy: true,
    });
    if (spec.enabled) this.servedTraffic.add(spec.stampId);
  }

  snapshot(): SimulatedOrigin[] {
    return [...this.origins.values()].map((origin) => ({
      stampId: origin.stampId,
      hostName: origin.hostName,
      enabledState: origin.enabled ? 'Enabled' : 'Disabled',
      priority: origin.priority,
      weight: origin.weight,
      health: origin.health,
    }));
  }

  private applyEnabled(origin: OriginRecord, enabled: boolean): void {
    if (origin.enabled === enabled) return;
    origin.enabled = enabled;
    if (enabled) {
      this.drains.cancel(origin.stampId);
    } else if (this.servedTraffic.has(origin.stampId)) {
      this.drains.start(origin.stampId, this.clock.now().getTime(), this.loadOf(origin.stampId));
    }
  }
}

function toOriginState(origin: OriginRecord): OriginState {
  return {
    stampId: origin.stampId,
    hostName: origin.hostName,
    enabled: origin.enabled,
    priority: origin.priority,
    weight: origin.weight,
  };
}

/** Front Door's own limits (docs/azure.md §2): refused as Front Door would refuse them. */
function checkSpec(spec: OriginSpec): void {
  if (spec.stampId.trim() === '') throw new ValidationError('origin needs a stamp id', 'stampId');
  if (spec.hostName.trim() === '') throw new ValidationError('origin needs a host name', 'hostName');
  if (!Number.isInteger(spec.priority) || spec.priority < 1 || spec.priority > 5) {
    throw new ValidationError(`origin priority must be an integer 1-5, got ${spec.priority}`, 'priority');
  }
  if (!Number.isInteger(spec.weight) || spec.weight < 1 || spec.weight > 1000) {
    throw new ValidationError(`origin weight must be an integer 1-1000, got ${spec.weight}`, 'weight');
  }
}
