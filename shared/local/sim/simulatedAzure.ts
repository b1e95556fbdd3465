import { NotFoundError, TransientError, ValidationError } from '../../errors';
import type { TrafficSample } from '../../lifecycle/canary';
import type { RegionPolicy } from '../../lifecycle/policy';
import type { Clock } from '../../ports/clock';
import type {
  Deployer,
  DeployerPermission,
  DeploymentPreview,
  DeploymentStatus,
  ResourceGroupDeletionStatus,
  StampDeploymentRequest,
} from '../../ports/deployer';
import type { OriginMetrics, OriginTraffic, OriginTrafficQuery } from '../../ports/originMetrics';
import type { StampMetrics, StampMetricsQuery, StampMetricsSeries } from '../../ports/stampMetrics';
import type {
  OperationProgress,
  QuarantineCheckRun,
  QuarantineVerdict,
  StampOperations,
} from '../../ports/stampOperations';
import type { OriginHealthProbe, OriginSpec, OriginState, TrafficManager } from '../../ports/trafficManager';
import { AlertOutbox } from './alertOutbox';
import {
  type ActiveFault,
  CHAOS_KINDS,
  type ChaosRequest,
  describeHits,
  faultId,
  TimedFaults,
} from './chaos';
import { SimulatedDeployments } from './deployments';
import { EVALUATION_INTERVAL_MS, PROBE_INTERVAL_MS } from './durations';
import { SimulatedFrontDoor } from './frontDoor';
import { MetricAlertEvaluator } from './metricAlertEvaluator';
import { metricSamples } from './metricSamples';
import { originTraffic } from './originTraffic';
import { type Persisted, persistedPart, restoreCollections, saveCollections } from './persisted';
import { type Random, seededRandom } from './random';
import { SimulatedRegions } from './regions';
import { DEFAULT_SUBSCRIPTION_ID, originHostName } from './resourceNames';
import type { SimulationControl, SimulationState } from './simulationControl';
import { SimulationLoop } from './simulationLoop';
import { StampMetricsHistory, type StampMinute, stampMinute } from './stampMetricsModel';
import { SimulatedStampOperations } from './stampOperations';

export interface SimulatedAzureOptions {
  /** Simulated time: every duration below is on this clock (a scaled or manual one). */
  readonly clock: Clock;
  /** The regions and their quotas (`max`), as in the lifecycle policy. */
  readonly regions: readonly RegionPolicy[];
  /** Uniform in [0, 1); defaults to a PRNG seeded with `seed`. */
  readonly random?: () => number;
  /** Seed of the default PRNG (default 1): the same seed and calls give the same durations. */
  readonly seed?: number;
  /** Receives each alert notification (common alert schema); a rejection is retried next evaluation. */
  readonly onAlert: (payload: unknown) => Promise<void>;
  /** Subscription in the simulated resource ids. */
  readonly subscriptionId?: string;
  /** Node utilisation of every region at the start, 0-100 (default 50: no capacity alert). */
  readonly initialLoad?: number;
}

/** A stamp that exists already when the simulation starts (the local host's seed fleet). */
export interface SeededStamp {
  readonly stampId: string;
  readonly region: string;
  readonly generation?: number;
  readonly priority?: number;
  readonly weight?: number;
  /** Default true; a warm spare's origin is disabled. */
  readonly enabled?: boolean;
}

/**
 * The simulated Azure of local mode (docs/architecture.md §9): ARM deployments and resource groups
 * with region quotas, Front Door origins with synthetic health probes, work inside stamps, and
 * Azure Monitor metric alerts in the common alert schema. It implements the ports the function
 * app uses, plus the controls of the `/sim` routes.
 *
 * Time: `start()` runs a loop on the injected clock: a Front Door probe round every 30 s and,
 * on each whole minute, an alert evaluation whose notifications go to `onAlert` in order. All
 * durations are drawn from the seeded PRNG when an operation starts, and states are computed
 * from `clock.now()` when read, so with a manual clock everything is deterministic.
 *
 * @example
 * const sim = new SimulatedAzure({ clock, regions: DEFAULT_POLICY.regions, onAlert: post });
 * sim.start();
 * await sim.startDeployment({ stampId: 'weu-001', region: 'westeurope', generation: 1, deploymentName: 'stamp-weu-001-1' });
 * await clock.advance(20 * 60_000); // Succeeded
 * await sim.stop();
 */
function splitFaultId(id: string): [string, string | undefined] {
  const colon = id.indexOf(':');
  return colon < 0 ? [id, undefined] : [id.slice(0, colon), id.slice(colon + 1)];
}

export class SimulatedAzure
  implements
    Deployer,
    TrafficManager,
    OriginHealthProbe,
    OriginMetrics,
    StampMetrics,
    StampOperations,
    SimulationControl
{
  private readonly clock: Clock;
  private readonly subscriptionId: string;
  private readonly regions: SimulatedRegions;
  private readonly deployments: SimulatedDeployments;
  private readonly frontDoor: SimulatedFrontDoor;
  private readonly operations: SimulatedStampOperations;
  private readonly alerts: MetricAlertEvaluator;
  private readonly outbox: AlertOutbox;
  private readonly loop: SimulationLoop;
  private readonly failingStamps = new Set<string>();
  /** Stamps with the `bad-stamp` fault: probes pass, errors and latency do not. */
  private readonly badStamps = new Set<string>();
  private readonly faults = new TimedFaults();
  /** Notifications held back by `delay-alerts`, in order, with when each goes out. */
  private readonly delayedAlerts: { readonly dueAt: number; readonly payload: unknown }[] = [];
  /** Delayed notifications let go: delivered as they are, not delayed again. */
  private readonly releasedAlerts = new WeakSet<object>();
  private readonly onAlert: (payload: unknown) => Promise<void>;
  private readonly metricsHistory = new StampMetricsHistory();

  constructor(options: SimulatedAzureOptions) {
    const random: Random = options.random ?? seededRandom(options.seed ?? 1);
    this.clock = options.clock;
    this.subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
    this.regions = new SimulatedRegions(options.regions, options.initialLoad);
    this.deployments = new SimulatedDeployments(this.clock, random, this.regions, this.subscriptionId);
    this.frontDoor = new SimulatedFrontDoor(
      this.clock,
      random,
      (stampId, at) => this.answersProbes(stampId, at),
      (stampId) => this.loadOfStamp(stampId),
    );
    this.operations = new SimulatedStampOperations(this.clock, random, {
      inFlightRequests: (stampId, at) => this.frontDoor.inFlightRequests(stampId, at),
      isFailing: (stampId) => this.isFailing(stampId),
      downRegion: (stampId) => {
        const region = this.deployments.regionOf(stampId);
        return region !== undefined && this.regions.isFailed(region) ? region : undefined;
      },
    });
    this.alerts = new MetricAlertEvaluator(this.subscriptionId);
    this.onAlert = options.onAlert;
    this.outbox = new AlertOutbox((payload) => this.deliverAlert(payload));
    this.loop = new SimulationLoop(this.clock, PROBE_INTERVAL_MS, (at) => this.tick(at));
  }

  // ---- driving time ----

  /** Starts probing and evaluating on the clock; a second start is a no-op. */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop (aborting its sleep) and waits for alert deliveries under way. */
  async stop(): Promise<void> {
    try {
      await this.loop.stop();
    } finally {
      await this.outbox.idle();
    }
  }

  /** One alert evaluation now, outside the schedule, and delivery of everything queued. */
  async evaluate(): Promise<void> {
    this.outbox.enqueue(this.evaluateAlerts(this.clock.now().getTime()));
    await this.outbox.flush();
  }

  // ---- Deployer ----

  async startDeployment(request: StampDeploymentRequest): Promise<void> {
    this.refuseDuringArmOutage(request.region, `deployment '${request.deploymentName}'`);
    return this.deployments.startDeployment(request);
  }

  async deploymentPermissions(): Promise<readonly DeployerPermission[] | undefined> {
    return this.deployments.deploymentPermissions();
  }

  /** Replaces the app's roles (undefined: as the control-plane template grants them). */
  withPermissions(permissions: readonly DeployerPermission[] | undefined): void {
    this.deployments.withPermissions(permissions);
  }

  async previewDeployment(request: StampDeploymentRequest): Promise<DeploymentPreview> {
    this.refuseDuringArmOutage(request.region, `what-if of '${request.deploymentName}'`);
    return this.deployments.previewDeployment(request);
  }

  async getDeployment(deploymentName: string): Promise<DeploymentStatus> {
    this.refuseDuringArmOutage(
      this.deployments.regionOfDeployment(deploymentName),
      `deployment '${deploymentName}'`,
    );
    return this.deployments.getDeployment(deploymentName);
  }

  async startResourceGroupDeletion(resourceGroup: string): Promise<void> {
    this.refuseDuringArmOutage(
      this.deployments.regionOfResourceGroup(resourceGroup),
      `resource group '${resourceGroup}'`,
    );
    return this.deployments.startResourceGroupDeletion(resourceGroup);
  }

  async getResourceGroupDeletion(resourceGroup: string): Promise<ResourceGroupDeletionStatus> {
    this.refuseDuringArmOutage(
      this.deployments.regionOfResourceGroup(resourceGroup),
      `resource group '${resourceGroup}'`,
    );
    return this.deployments.getResourceGroupDeletion(resourceGroup);
  }

  remainingStampQuota(region: string): Promise<number | undefined> {
    return this.deployments.remainingStampQuota(region);
  }

  // ---- TrafficManager and OriginHealthProbe ----

  upsertOrigin(spec: OriginSpec): Promise<void> {
    return this.frontDoor.upsertOrigin(spec);
  }

  setOriginEnabled(stampId: string, enabled: boolean): Promise<void> {
    return this.frontDoor.setOriginEnabled(stampId, enabled);
  }

  setOriginWeight(stampId: string, weight: number): Promise<void> {
    return this.frontDoor.setOriginWeight(stampId, weight);
  }

  removeOrigin(stampId: string): Promise<void> {
    return this.frontDoor.removeOrigin(stampId);
  }

  // ---- OriginMetrics ----

  /** Front Door's view of each origin over the window, from the traffic model (originTraffic.ts). */
  trafficOf(query: OriginTrafficQuery): Promise<OriginTraffic> {
    const minutes = Math.max(0, (Date.parse(query.to) - Date.parse(query.from)) / 60_000);
    const asked = new Set(query.stampIds);
    const all = this.trafficNow(minutes);
    const byStamp: Record<string, TrafficSample> = {};
    for (const id of asked) byStamp[id] = all[id] ?? { requests: 0, errorPercent: 0, latencyMs: 0 };
    return Promise.resolve({ from: query.from, to: query.to, byStamp });
  }

  getOrigin(stampId: string): Promise<OriginState | undefined> {
    return this.frontDoor.getOrigin(stampId);
  }

  // ---- StampMetrics ----

  /** The figures recorded at each alert evaluation (stampMetricsModel.ts), as Azure Monitor answers them. */
  seriesOf(query: StampMetricsQuery): Promise<StampMetricsSeries> {
    return Promise.resolve(this.metricsHistory.seriesOf(query));
  }

  listOrigins(): Promise<OriginState[]> {
    return this.frontDoor.listOrigins();
  }

  check(hostName: string): Promise<'Healthy' | 'Unhealthy'> {
    return this.frontDoor.check(hostName);
  }

  // ---- StampOperations ----

  inFlightRequests(stampId: string): Promise<number> {
    return this.operations.inFlightRequests(stampId);
  }

  preserveDiagnostics(stampId: string): Promise<{ readonly location: string }> {
    return this.operations.preserveDiagnostics(stampId);
  }

  startQuarantineChecks(run: QuarantineCheckRun): Promise<{ readonly runId: string }> {
    return this.operations.startQuarantineChecks(run);
  }

  getQuarantineChecks(
    run: QuarantineCheckRun & { readonly runId: string },
  ): Promise<OperationProgress<QuarantineVerdict>> {
    return this.operations.getQuarantineChecks(run);
  }

  startWorkloadDeletion(stampId: string): Promise<void> {
    return this.operations.startWorkloadDeletion(stampId);
  }

  getWorkloadDeletion(stampId: string): Promise<OperationProgress<Record<never, never>>> {
    return this.operations.getWorkloadDeletion(stampId);
  }

  // ---- SimulationControl ----

  hasStamp(stampId: string): boolean {
    return this.deployments.regionOf(stampId) !== undefined;
  }

  failStamp(stampId: string): void {
    this.failingStamps.add(stampId);
    this.operations.stampFailed(stampId);
  }

  recoverStamp(stampId: string): void {
    this.failingStamps.delete(stampId);
    this.operations.clearStamp(stampId);
  }

  failRegion(region: string): void {
    this.regions.fail(region);
    this.deployments.regionFailed(region);
    this.operations.regionFailed((stampId) => this.deployments.regionOf(stampId) === region);
  }

  recoverRegion(region: string): void {
    this.regions.recover(region);
  }

  setLoad(region: string, utilization: number): void {
    this.regions.setLoad(region, utilization);
  }

  failNextDeployment(options?: { readonly region?: string; readonly code?: string }): void {
    this.deployments.failNext(options);
  }

  failQuarantineChecks(stampId: string): void {
    this.operations.failChecks(stampId);
  }

  /**
   * Injects a fault of the chaos console. A region must be one of the simulation's and a stamp
   * one it deployed (ValidationError, NotFoundError otherwise); injecting a timed fault that is on
   * already restarts its time.
   */
  injectFault(request: ChaosRequest): ActiveFault {
    const spec = CHAOS_KINDS[request.kind];
    // A deployment failure may be armed for any region; an outage is always somewhere.
    if (request.kind === 'arm-outage' && request.region === undefined)
      throw new ValidationError(`${request.kind} needs a region`, 'region');
    if (request.region !== undefined) this.regions.policy(request.region);
    if (spec.target === 'stamp') {
      if (request.stampId === undefined)
        throw new ValidationError(`${request.kind} needs a stampId`, 'stampId');
      if (!this.hasStamp(request.stampId))
        throw new NotFoundError(`the simulation has no stamp '${request.stampId}'; see GET /sim/state`);
    }
    switch (request.kind) {
      case 'fail-next-deployment':
        // One armed failure per region (or for any region): injecting again replaces it.
        this.deployments.disarm(request.region);
        this.deployments.failNext({
          ...(request.region === undefined ? {} : { region: request.region }),
          ...(request.code === undefined ? {} : { code: request.code }),
        });
        break;
      case 'fail-quarantine-checks':
        this.operations.failChecks(request.stampId ?? '');
        break;
      case 'bad-stamp':
        this.badStamps.add(request.stampId ?? '');
        break;
      default:
        this.faults.add(request.kind, request, this.clock.now().getTime());
    }
    const target =
      spec.target === 'stamp'
        ? request.stampId
        : spec.target === 'region'
          ? (request.region ?? 'any')
          : undefined;
    const id = faultId(request.kind, target);
    const active = this.activeFaults().find((fault) => fault.id === id);
    if (active === undefined) throw new Error(`fault ${id} was injected but is not active`);
    return active;
  }

  /** Ends a fault by its id; false when no such fault is active. Delayed alerts go out at once. */
  clearFault(id: string): boolean {
    const [kind, target] = splitFaultId(id);
    if (kind === 'fail-next-deployment')
      return this.deployments.disarm(target === 'any' ? undefined : target);
    if (kind === 'fail-quarantine-checks') {
      const marked = target !== undefined && this.operations.checksFailing().includes(target);
      if (marked) this.operations.clearStamp(target);
      return marked;
    }
    if (kind === 'bad-stamp') return target !== undefined && this.badStamps.delete(target);
    const cleared = this.faults.clear(id);
    if (cleared?.kind === 'delay-alerts') this.releaseDelayedAlerts(Infinity);
    return cleared !== undefined;
  }

  /** Ends every fault of the chaos console; how many there were. */
  clearAllFaults(): number {
    const ids = this.activeFaults().map((fault) => fault.id);
    for (const id of ids) this.clearFault(id);
    return ids.length;
  }

  /** Every fault active now, one-shot ones (a deployment failure, failing checks) included. */
  activeFaults(): ActiveFault[] {
    const now = this.clock.now().getTime();
    const armed = this.deployments.armed().map((failure): ActiveFault => ({
      id: faultId('fail-next-deployment', failure.region ?? 'any'),
      kind: 'fail-next-deployment',
      summary: `${CHAOS_KINDS['fail-next-deployment'].summary}: ${failure.code}`,
      ...(failure.region === undefined ? {} : { region: failure.region }),
      since: failure.since,
    }));
    const checks = this.operations.checksFailing().map((stampId): ActiveFault => ({
      id: faultId('fail-quarantine-checks', stampId),
      kind: 'fail-quarantine-checks',
      summary: CHAOS_KINDS['fail-quarantine-checks'].summary,
      stampId,
    }));
    const timed = this.faults.list(now).map((fault): ActiveFault => ({
      id: fault.id,
      kind: fault.kind,
      summary:
        fault.kind === 'delay-alerts'
          ? `${CHAOS_KINDS[fault.kind].summary} (${fault.delayMs / 60_000} min)`
          : CHAOS_KINDS[fault.kind].summary,
      ...(fault.region === undefined ? {} : { region: fault.region }),
      since: new Date(fault.since).toISOString(),
      until: new Date(fault.until).toISOString(),
      effect: describeHits(fault, this.delayedAlerts.length),
    }));
    const bad = [...this.badStamps].map((stampId): ActiveFault => ({
      id: faultId('bad-stamp', stampId),
      kind: 'bad-stamp',
      summary: CHAOS_KINDS['bad-stamp'].summary,
      stampId,
    }));
    return [...armed, ...checks, ...bad, ...timed];
  }

  /**
   * What the stamp store's Cosmos DB answers now, if a fault says so: the embedded server asks
   * before serving each request to the store's containers (the local host wires it).
   */
  storeFault(): { readonly status: 429 | 503 } | undefined {
    const now = this.clock.now().getTime();
    if (this.faults.hit('cosmos-unavailable', now) !== undefined) return { status: 503 };
    if (this.faults.hit('cosmos-throttling', now) !== undefined) return { status: 429 };
    return undefined;
  }

  /**
   * Puts a stamp that is already active into the simulation, without its 15-20 minute
   * deployment: a Succeeded deployment `stamp-{id}-{generation}`, its resource group, and an
   * enabled, Healthy origin at `{id}.stamps.synaxis.example` that carries traffic.
   */
  seedActiveStamp(stamp: SeededStamp): void {
    this.deployments.seedDeployed(stamp.stampId, stamp.region, stamp.generation ?? 1);
    this.frontDoor.seedHealthy({
      stampId: stamp.stampId,
      hostName: originHostName(stamp.stampId),
      priority: stamp.priority ?? 1,
      weight: stamp.weight ?? 1000,
      enabled: stamp.enabled ?? true,
    });
  }

  state(): SimulationState {
    const now = this.clock.now();
    const { deployments, resourceGroups } = this.deployments.snapshot(now.getTime());
    return {
      now: now.toISOString(),
      deployments,
      resourceGroups,
      origins: this.frontDoor.snapshot(),
      failingStamps: [...this.failingStamps],
      failedRegions: this.regions.failedNames(),
      load: this.regions.loads(),
      activeAlerts: this.alerts.activeAlerts().map((alert) => ({
        alertId: alert.alertId,
        alertRule: alert.rule.name,
        metricName: alert.rule.metricName,
        stampId: alert.targetKey,
        firedDateTime: alert.firedAt.toISOString(),
      })),
      alertDelivery: { ...this.outbox.stats(), delayed: this.delayedAlerts.length },
      chaos: this.activeFaults(),
    };
  }

  // ---- persistence (--data-dir) ----

  /** Everything the simulation knows, as JSON: written by the local host's state directory. */
  persisted(): Persisted {
    return {
      regions: saveCollections(this.regions.persistedCollections()),
      deployments: this.deployments.persisted(),
      frontDoor: saveCollections(this.frontDoor.persistedCollections()),
      operations: saveCollections(this.operations.persistedCollections()),
      alerts: this.alerts.persisted(),
      faults: saveCollections(this.faults.persistedCollections()),
      metrics: this.metricsHistory.persisted(),
      ...saveCollections({ failingStamps: this.failingStamps, badStamps: this.badStamps }),
    };
  }

  /** Takes back what `persisted` wrote, before the simulation runs (held-back alerts are not kept). */
  restore(saved: Persisted): void {
    restoreCollections(this.regions.persistedCollections(), persistedPart(saved, 'regions'));
    this.deployments.restore(persistedPart(saved, 'deployments'));
    restoreCollections(this.frontDoor.persistedCollections(), persistedPart(saved, 'frontDoor'));
    restoreCollections(this.operations.persistedCollections(), persistedPart(saved, 'operations'));
    this.alerts.restore(persistedPart(saved, 'alerts'));
    restoreCollections(this.faults.persistedCollections(), persistedPart(saved, 'faults'));
    this.metricsHistory.restore(persistedPart(saved, 'metrics'));
    restoreCollections({ failingStamps: this.failingStamps, badStamps: this.badStamps }, saved);
  }

  // ---- the simulation itself ----

  private tick(at: number): void {
    this.frontDoor.probeAll(at);
    this.releaseDelayedAlerts(at);
    if (at % EVALUATION_INTERVAL_MS === 0) {
      this.recordMetrics(at);
      this.outbox.enqueue(this.evaluateAlerts(at));
      this.outbox.kick();
    }
  }

  /** One notification, through the alert faults: lost, held back, or sent (twice). */
  private async deliverAlert(payload: unknown): Promise<void> {
    if (typeof payload === 'object' && payload !== null && this.releasedAlerts.has(payload)) {
      await this.onAlert(payload);
      this.releasedAlerts.delete(payload);
      return;
    }
    const now = this.clock.now().getTime();
    if (this.faults.hit('drop-alerts', now) !== undefined) return;
    const delay = this.faults.hit('delay-alerts', now);
    if (delay !== undefined) {
      this.delayedAlerts.push({ dueAt: now + delay.delayMs, payload });
      return;
    }
    await this.onAlert(payload);
    if (this.faults.hit('duplicate-alerts', now) !== undefined) await this.onAlert(payload);
  }

  /** Lets the held-back notifications that are due go out, in the order they were held. */
  private releaseDelayedAlerts(at: number): void {
    let due = 0;
    while (due < this.delayedAlerts.length && (this.delayedAlerts[due]?.dueAt ?? Infinity) <= at) due += 1;
    if (due === 0) return;
    const released = this.delayedAlerts.splice(0, due).map((held) => held.payload);
    for (const payload of released)
      if (typeof payload === 'object' && payload !== null) this.releasedAlerts.add(payload);
    this.outbox.enqueue(released);
    this.outbox.kick();
  }

  private refuseDuringArmOutage(region: string | undefined, what: string): void {
    if (region === undefined) return;
    const outage = this.faults.hit('arm-outage', this.clock.now().getTime(), region);
    if (outage === undefined) return;
    throw new TransientError(
      `ARM answered 503 ServiceUnavailable for ${what} in ${region} (simulated outage until ${new Date(outage.until).toISOString()})`,
      'ServiceUnavailable',
    );
  }

  private evaluateAlerts(at: number): unknown[] {
    const samples = metricSamples(this.subscriptionId, this.frontDoor.readings(), {
      nodeCpuPercent: (stampId) => this.nodeCpuPercent(stampId, at),
    });
    return this.alerts.evaluate(new Date(at), samples);
  }

  private trafficNow(minutes: number): Record<string, TrafficSample> {
    return originTraffic(
      this.frontDoor.snapshot().map((o) => ({
        stampId: o.stampId,
        region: this.deployments.regionOf(o.stampId),
        weight: o.weight,
        serving: o.enabledState === 'Enabled' && o.health === 'Healthy',
        failing: this.isFailing(o.stampId),
        bad: this.badStamps.has(o.stampId),
      })),
      (region) => this.regions.loadOf(region),
      minutes,
    );
  }

  /** The minute just ended of every stamp with an origin or a cluster, for the dashboard's plots. */
  private recordMetrics(at: number): void {
    const traffic = this.trafficNow(EVALUATION_INTERVAL_MS / 60_000);
    const samples = new Map<string, StampMinute>();
    for (const stampId of new Set([...Object.keys(traffic), ...this.deployments.stampIds()])) {
      const cpu = this.nodeCpuPercent(stampId, at);
      const sample = traffic[stampId];
      // A stamp with neither an origin nor a running cluster reports nothing, as on Azure.
      if (cpu === undefined && sample === undefined) continue;
      samples.set(stampId, stampMinute(sample ?? { requests: 0, errorPercent: 0, latencyMs: 0 }, cpu));
    }
    this.metricsHistory.record(at, samples);
  }

  private isFailing(stampId: string): boolean {
    if (this.failingStamps.has(stampId)) return true;
    const region = this.deployments.regionOf(stampId);
    return region !== undefined && this.regions.isFailed(region);
  }

  /** Whether the stamp's health endpoint answers 200: deployed, workloads running, not failed, region up. */
  private answersProbes(stampId: string, at: number): boolean {
    return (
      !this.isFailing(stampId) &&
      this.deployments.isDeployed(stampId, at) &&
      !this.operations.workloadsDeleted(stampId, at)
    );
  }

  /** A cluster that is up reports its region's load; one that is not reports nothing. */
  private nodeCpuPercent(stampId: string, at: number): number | undefined {
    const region = this.deployments.regionOf(stampId);
    if (region === undefined || this.regions.isFailed(region)) return undefined;
    if (!this.deployments.isDeployed(stampId, at) || this.operations.workloadsDeleted(stampId, at))
      return undefined;
    return this.regions.loadOf(region);
  }

  private loadOfStamp(stampId: string): number {
    const region = this.deployments.regionOf(stampId);
    return region === undefined ? 0 : this.regions.loadOf(region);
  }
}
