import { NotFoundError, TerminalError } from '../../errors';
import { deploymentName } from '../../lifecycle/stampNames';
import type { Clock } from '../../ports/clock';
import type {
  Deployer,
  DeployerPermission,
  DeploymentStatus,
  ResourceGroupDeletionStatus,
  StampDeploymentRequest,
} from '../../ports/deployer';
import { simulatedDeploymentOutputs } from './deploymentOutputs';
import { DEPLOYMENT_DURATION, RESOURCE_GROUP_DELETION_DURATION } from './durations';
import { grantedPermissions } from './grantedPermissions';
import { type Persisted, restoreCollections, saveCollections } from './persisted';
import { drawDuration, type Random } from './random';
import type { SimulatedRegions } from './regions';
import { resourceGroupName } from './resourceNames';
import { settle } from './settle';
import type { SimulatedDeployment, SimulatedResourceGroup } from './simulationControl';
import { previewFromTemplate } from './templatePreview';

interface DeploymentFailure {
  readonly code: string;
  readonly message: string;
}

interface DeploymentRecord {
  readonly name: string;
  readonly stampId: string;
  readonly region: string;
  readonly startedAt: number;
  readonly endsAt: number;
  /** Set when the deployment is doomed: it reports Failed from `endsAt` on. */
  failure?: DeploymentFailure;
}

interface ResourceGroupRecord {
  readonly name: string;
  readonly region: string;
  /** Set once deletion starts; the group is Deleted from this instant on. */
  deletedAt?: number;
}

export interface ArmedFailure {
  readonly region?: string;
  readonly code: string;
  readonly since: string;
}

type ResourceGroupState = SimulatedResourceGroup['state'];

/**
 * Simulated ARM for stamps: subscription-scope deployments, idempotent by name while running or
 * succeeded and run again when started after they failed (as a PUT does on ARM), that take the
 * seed's 15-20 minutes and create the stamp's resource group; resource group deletion in 3-5.
 *
 * Failures, as ARM reports them: a region already holding `max + 2` live resource groups
 * refuses a new one (`QuotaExceeded`, at once, no group created); a group still being deleted
 * refuses a redeployment (`ResourceGroupBeingDeleted`); a region that is down fails the
 * deployment at once (`RegionUnavailable`), and one that goes down while it runs fails it at its
 * planned end; `failNextDeployment` fails the next one at its planned end with the armed code.
 * States are computed from the clock when read, so nothing here needs a tick.
 */
export class SimulatedDeployments implements Deployer {
  private readonly deployments = new Map<string, DeploymentRecord>();
  private readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  /** The latest deployment started for each stamp: the one that decides whether the stamp is up. */
  private readonly latestByStamp = new Map<string, DeploymentRecord>();
  private readonly armedFailures: ArmedFailure[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly regions: SimulatedRegions,
    private readonly subscriptionId: string,
  ) {}

  startDeployment(request: StampDeploymentRequest): Promise<void> {
    return settle(() => this.start(request));
  }

  private start(request: StampDeploymentRequest): void {
    const existing = this.deployments.get(request.deploymentName);
    if (existing !== undefined) {
      // ARM keeps a deployment's location for its name; a different one is refused, not moved.
      if (existing.region !== request.region) {
        throw new TerminalError(
          `deployment '${request.deploymentName}' already exists in '${existing.region}', not '${request.region}'`,
          'InvalidDeploymentLocation',
        );
      }
      // As on ARM: a PUT of a deployment that is running or succeeded changes nothing, and one
      // that failed runs again (the orchestration's retry of a failed deployment).
      if (this.statusOf(existing, this.clock.now().getTime()).state !== 'Failed') return;
    }
    const policy = this.regions.policy(request.region);
    const now = this.clock.now().getTime();
    const groupName = resourceGroupName(request.stampId);
    const group = this.resourceGroups.get(groupName);

    let failNow: DeploymentFailure | undefined;
    if (group !== undefined && groupState(group, now) === 'Deleting') {
      failNow = {
        code: 'ResourceGroupBeingDeleted',
        message: `resource group '${groupName}' is being deleted`,
      };
    } else if (this.liveGroupsInRegion(request.region, groupName, now) >= policy.max + 2) {
      failNow = {
        code: 'QuotaExceeded',
        message: `region '${request.region}' already holds ${policy.max + 2} stamp resource groups (quota: max ${policy.max} + 2)`,
      };
    } else if (this.regions.isFailed(request.region)) {
      failNow = { code: 'RegionUnavailable', message: `region '${request.region}' is unavailable` };
    }

    const record: DeploymentRecord =
      failNow === undefined
        ? this.startRunning(request, now)
        : {
            name: request.deploymentName,
            stampId: request.stampId,
            region: request.region,
            startedAt: now,
            endsAt: now,
            failure: failNow,
          };
    this.deployments.set(record.name, record);
    this.latestByStamp.set(record.stampId, record);
  }

  getDeployment(deploymentName: string): Promise<DeploymentStatus> {
    const record = this.deployments.get(deploymentName);
    if (record === undefined) {
      return Promise.reject(new NotFoundError(`deployment '${deploymentName}' not found`));
    }
    return Promise.resolve(this.statusOf(record, this.clock.now().getTime()));
  }

  startResourceGroupDeletion(resourceGroup: string): Promise<void> {
    const group = this.resourceGroups.get(resourceGroup);
    if (group !== undefined && group.deletedAt === undefined) {
      group.deletedAt =
        this.clock.now().getTime() + drawDuration(this.random, RESOURCE_GROUP_DELETION_DURATION);
    }
    return Promise.resolve();
  }

  getResourceGroupDeletion(resourceGroup: string): Promise<ResourceGroupDeletionStatus> {
    const group = this.resourceGroups.get(resourceGroup);
    const state = group === undefined ? 'Deleted' : groupState(group, this.clock.now().getTime());
    return Promise.resolve(state === 'Deleted' ? 'Deleted' : 'Deleting');
  }

  /** Arms a failure for the next deployment started (in `region`, or anywhere). */
  failNext(options: { readonly region?: string; readonly code?: string } = {}): void {
    if (options.region !== undefined) this.regions.policy(options.region);
    this.armedFailures.push({
      code: options.code ?? 'DeploymentFailed',
      since: this.clock.now().toISOString(),
      ...(options.region === undefined ? {} : { region: options.region }),
    });
  }

  /** The failures armed and not yet taken by a deployment, oldest first. */
  armed(): readonly ArmedFailure[] {
    return [...this.armedFailures];
  }

  /** Disarms the failures armed for `region` (undefined: those armed for any region); whether there were any. */
  disarm(region: string | undefined): boolean {
    const before = this.armedFailures.length;
    const kept = this.armedFailures.filter((armed) => armed.region !== region);
    this.armedFailures.splice(0, this.armedFailures.length, ...kept);
    return kept.length < before;
  }

  /** The region of a deployment or a resource group, by name, if the simulation has it. */
  regionOfDeployment(deploymentName: string): string | undefined {
    return this.deployments.get(deploymentName)?.region;
  }

  regionOfResourceGroup(resourceGroup: string): string | undefined {
    return this.resourceGroups.get(resourceGroup)?.region;
  }

  /** A region went down: every deployment running there fails at its planned end. */
  regionFailed(region: string): void {
    const now = this.clock.now().getTime();
    for (const record of this.latestByStamp.values()) {
      if (record.region === region && record.failure === undefined && now < record.endsAt) {
        record.failure = { code: 'RegionUnavailable', message: `region '${region}' became unavailable` };
      }
    }
  }

  /**
   * Records a stamp that is already deployed (the local host's seed fleet): a Succeeded
   * deployment `stamp-{id}-{generation}` and its resource group.
   */
  seedDeployed(stampId: string, region: string, generation: number): void {
    this.regions.policy(region);
    const now = this.clock.now().getTime();
    const record: DeploymentRecord = {
      name: deploymentName(stampId, generation),
      stampId,
      region,
      startedAt: now,
      endsAt: now,
    };
    this.deployments.set(record.name, record);
    this.latestByStamp.set(stampId, record);
    const groupName = resourceGroupName(stampId);
    this.resourceGroups.set(groupName, { name: groupName, region });
  }

  /** This part of the simulation as JSON (--data-dir); the latest deployment of each stamp by name. */
  persisted(): Persisted {
    return {
      ...saveCollections({
        deployments: this.deployments,
        resourceGroups: this.resourceGroups,
        armedFailures: this.armedFailures,
      }),
      latestByStamp: [...this.latestByStamp.entries()].map(([stampId, record]) => [stampId, record.name]),
    };
  }

  restore(saved: Persisted): void {
    restoreCollections(
      {
        deployments: this.deployments,
        resourceGroups: this.resourceGroups,
        armedFailures: this.armedFailures,
      },
      saved,
    );
    this.latestByStamp.clear();
    const latest = Array.isArray(saved['latestByStamp']) ? (saved['latestByStamp'] as unknown[]) : [];
    for (const entry of latest) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
      const record = this.deployments.get(entry[1]);
      if (record !== undefined) this.latestByStamp.set(entry[0], record);
    }
  }

  /** Every stamp ever deployed here. */
  stampIds(): string[] {
    return [...this.latestByStamp.keys()];
  }

  /** The region of the stamp's latest deployment, if it was ever deployed here. */
  regionOf(stampId: string): string | undefined {
    return this.latestByStamp.get(stampId)?.region;
  }

  /** Whether the stamp's infrastructure is up at `at`: its latest deployment succeeded and its group stands. */
  isDeployed(stampId: string, at: number): boolean {
    const record = this.latestByStamp.get(stampId);
    if (record === undefined || this.statusOf(record, at).state !== 'Succeeded') return false;
    const group = this.resourceGroups.get(resourceGroupName(stampId));
    return group !== undefined && groupState(group, at) === 'Exists';
  }

  snapshot(at: number): { deployments: SimulatedDeployment[]; resourceGroups: SimulatedResourceGroup[] } {
    return {
      deployments: [...this.deployments.values()].map((record) => ({
        name: record.name,
        stampId: record.stampId,
        region: record.region,
        state: this.statusOf(record, at).state,
        startedAt: new Date(record.startedAt).toISOString(),
        endsAt: new Date(record.endsAt).toISOString(),
        ...(record.failure === undefined ? {} : { failureCode: record.failure.code }),
      })),
      resourceGroups: [...this.resourceGroups.values()].map((group) => ({
        name: group.name,
        region: group.region,
        state: groupState(group, at),
      })),
    };
  }

  private startRunning(request: StampDeploymentRequest, now: number): DeploymentRecord {
    const armed = this.takeArmedFailure(request.region);
    const groupName = resourceGroupName(request.stampId);
    // A new deployment (re)creates the group, also after an earlier purge deleted it.
    this.resourceGroups.set(groupName, { name: groupName, region: request.region });
    return {
      name: request.deploymentName,
      stampId: request.stampId,
      region: request.region,
      startedAt: now,
      endsAt: now + drawDuration(this.random, DEPLOYMENT_DURATION),
      ...(armed === undefined
        ? {}
        : {
            failure: {
              code: armed.code,
              message: `simulated failure of '${request.deploymentName}' (${armed.code})`,
            },
          }),
    };
  }

  private takeArmedFailure(region: string): ArmedFailure | undefined {
    const index = this.armedFailures.findIndex(
      (armed) => armed.region === undefined || armed.region === region,
    );
    if (index < 0) return undefined;
    return this.armedFailures.splice(index, 1)[0];
  }

  previewDeployment(request: StampDeploymentRequest): ReturnType<typeof previewFromTemplate> {
    return previewFromTemplate(request);
  }

  /** The app's roles as the control-plane template grants them; `withPermissions` replaces them. */
  deploymentPermissions(): ReturnType<typeof grantedPermissions> {
    return this.permissions === undefined ? grantedPermissions() : Promise.resolve([...this.permissions]);
  }

  /** Lets a test (or the chaos console) take roles away: the dry run must then refuse. */
  withPermissions(permissions: readonly DeployerPermission[] | undefined): void {
    this.permissions = permissions;
  }

  private permissions: readonly DeployerPermission[] | undefined;

  /** The simulated quota: `max + 2` live stamp resource groups per region, as `start` enforces. */
  remainingStampQuota(region: string): Promise<number | undefined> {
    const policy = this.regions.policy(region);
    const used = this.liveGroupsInRegion(region, '', this.clock.now().getTime());
    return Promise.resolve(Math.max(0, policy.max + 2 - used));
  }

  private liveGroupsInRegion(region: string, except: string, at: number): number {
    let count = 0;
    for (const group of this.resourceGroups.values()) {
      if (group.region === region && group.name !== except && groupState(group, at) !== 'Deleted') count += 1;
    }
    return count;
  }

  private statusOf(record: DeploymentRecord, at: number): DeploymentStatus {
    if (at < record.endsAt) return { state: 'Running' };
    if (record.failure !== undefined) return { state: 'Failed', ...record.failure };
    return { state: 'Succeeded', outputs: simulatedDeploymentOutputs(this.subscriptionId, record.stampId) };
  }
}

function groupState(group: ResourceGroupRecord, at: number): ResourceGroupState {
  if (group.deletedAt === undefined) return 'Exists';
  return at < group.deletedAt ? 'Deleting' : 'Deleted';
}
