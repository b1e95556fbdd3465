import type { TokenCredential } from '@azure/identity';

import type { Config } from '../config/loadConfig';
import { TerminalError, ValidationError } from '../errors';
import { type Clock, systemClock } from '../ports/clock';
import type { EventPublisher } from '../ports/eventPublisher';
import { LIFECYCLE_QUEUE, type LifecycleBus } from '../ports/lifecycleBus';
import type { OriginMetrics } from '../ports/originMetrics';
import type { RecordArchive } from '../ports/recordArchive';
import type { StampMetrics } from '../ports/stampMetrics';
import type { StampOperations } from '../ports/stampOperations';
import type { OriginHealthProbe, TrafficManager } from '../ports/trafficManager';
import { type ArchiveContainerClient, createBlobRecordArchive } from './blobRecordArchive';
import {
  type ArmClientOptions,
  createAfdOriginsClient,
  createArchiveContainerClient,
  createEventGridClient,
  createFluxConfigurationsClient,
  createLifecycleSender,
  createLogsReader,
  createResourceManagementClient,
  createRunCommandClient,
  type MonitorClientOptions,
} from './clients';
import { defaultAzureCredential } from './credential';
import { type ArmDeployer, type ArmTemplate, createArmDeployer } from './deployer';
import { createEventGridEventPublisher, type EventGridClient } from './eventPublisher';
import { lazy } from './lazy';
import { createServiceBusLifecycleBus, type LifecycleSender } from './lifecycleBus';
import {
  armDiagnosticSettings,
  armMetrics,
  createAzureOriginMetrics,
  createAzureStampMetrics,
  createAzureStampOperations,
} from './operations';
import {
  createFrontDoorTrafficManager,
  createHttpsOriginHealthProbe,
  type ProbeFetch,
} from './trafficManager';

// Every export is a type or a function: importing this module loads no Azure SDK (checked by
// test/contract/azure/lazyLoading.test.ts). The SDKs load on the first call that needs them.
export {
  type ArchiveBlobClient,
  archiveBlobName,
  type ArchiveContainerClient,
  createBlobRecordArchive,
} from './blobRecordArchive';
export { ARM_SCOPE, type ArmClientOptions } from './clients';
export {
  type ArmDeployer,
  type ArmTemplate,
  createArmDeployer,
  DEFAULT_STAMP_TEMPLATE_PATH,
  loadStampTemplate,
  type StampTemplateSettings,
  type WhatIfSummary,
} from './deployer';
export { mapAzureError } from './errors';
export { createEventGridEventPublisher, type EventGridClient, toSdkCloudEvent } from './eventPublisher';
export { lazy } from './lazy';
export { createServiceBusLifecycleBus, type LifecycleSender, toServiceBusMessage } from './lifecycleBus';
export {
  type AfdOriginsClient,
  createFrontDoorTrafficManager,
  createHttpsOriginHealthProbe,
  type ProbeFetch,
} from './trafficManager';

export interface AzureAdapters {
  readonly deployer: ArmDeployer;
  readonly trafficManager: TrafficManager;
  readonly originHealthProbe: OriginHealthProbe;
  readonly lifecycleBus: LifecycleBus;
  readonly eventPublisher: EventPublisher;
  readonly recordArchive: RecordArchive;
  readonly stampOperations: StampOperations;
  readonly originMetrics: OriginMetrics;
  readonly stampMetrics: StampMetrics;
}

/** Overrides for tests and special clouds; production passes none. */
export interface AzureAdapterDeps {
  /** Default: the process's `DefaultAzureCredential` (managed identity on Azure). */
  readonly credential?: TokenCredential;
  /** Endpoint, scopes, agent and retry options of both management clients (ARM and Front Door). */
  readonly arm?: ArmClientOptions;
  /** Agent and retry options of the Event Grid client. */
  readonly eventGrid?: Pick<ArmClientOptions, 'agent' | 'retryOptions'>;
  /** The stamp template; default `dist/infra/stamp/main.json`. */
  readonly template?: () => Promise<ArmTemplate>;
  /** Poll interval of the management SDKs' long-running operations; default the SDK's (2 s). */
  readonly updateIntervalInMs?: number;
  /** Replaces the Service Bus sender (the real one needs an AMQP broker). */
  readonly lifecycleSender?: () => Promise<LifecycleSender>;
  /** Replaces the Event Grid client. */
  readonly eventGridClient?: () => Promise<EventGridClient>;
  readonly probeFetch?: ProbeFetch;
  readonly probeTimeoutMs?: number;
  /** Replaces the archive container's client (a test's, on Azurite). */
  readonly archiveContainer?: () => Promise<ArchiveContainerClient>;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** The Logs query endpoint (default `https://api.loganalytics.io/v1`) and an agent for it. */
  readonly logs?: MonitorClientOptions;
  /** Minutes a minute of metrics takes to be complete; default 3. */
  readonly inFlightLagMinutes?: number;
}

/**
 * The AKS server application's audience: a token for it is what an Entra ID cluster's API server
 * (and so the AKS run command's `clusterToken`) accepts.
 * https://learn.microsoft.com/azure/aks/kubelogin-authentication
 */
export const AKS_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';

/** The adapters built without overrides, one set per Azure configuration for the life of the process. */
const shared = new Map<string, AzureAdapters>();

/**
 * The Azure implementations of the ports, from `loadConfig(...).azure` (STAMPS_CLOUD=azure).
 * Nothing is loaded or connected here: each SDK client is built on its first use and then kept
 * (one client per process: a client per call exhausts sockets). Without `deps`, a second call
 * with the same settings returns the same adapters, so the clients stay one per process even if a
 * caller asks twice. Local mode composes the embedded adapters instead (`LocalControlPlane`).
 *
 * @example
 * const adapters = createAzureAdapters(loadConfig(process.env));
 * await adapters.deployer.startDeployment(request);
 */
export function createAzureAdapters(config: Config, deps?: AzureAdapterDeps): AzureAdapters {
  const azure = config.azure;
  if (azure === undefined) {
    throw new ValidationError(
      'createAzureAdapters needs STAMPS_CLOUD=azure and its settings',
      'STAMPS_CLOUD',
    );
  }
  const cacheKey = deps === undefined ? JSON.stringify(azure) : undefined;
  const cached = cacheKey === undefined ? undefined : shared.get(cacheKey);
  if (cached !== undefined) return cached;

  const credential = lazy(async () => deps?.credential ?? (await defaultAzureCredential()));
  const arm = deps?.arm ?? {};
  const resources = lazy(async () =>
    createResourceManagementClient(await credential(), azure.subscriptionId, arm),
  );
  const afdOrigins = lazy(async () => createAfdOriginsClient(await credential(), azure.subscriptionId, arm));
  const sender =
    deps?.lifecycleSender ??
    lazy(async () => createLifecycleSender(azure.serviceBusNamespace, LIFECYCLE_QUEUE, await credential()));
  const eventGrid =
    deps?.eventGridClient ??
    lazy(async () =>
      createEventGridClient(azure.eventGridTopicEndpoint, await credential(), deps?.eventGrid ?? {}),
    );
  const interval =
    deps?.updateIntervalInMs === undefined ? {} : { updateIntervalInMs: deps.updateIntervalInMs };

  const trafficManager = createFrontDoorTrafficManager({
    client: afdOrigins,
    frontDoor: azure.frontDoor,
    ...interval,
  });
  const clock = deps?.clock ?? systemClock;
  const operationsOptions = {
    subscriptionId: azure.subscriptionId,
    logAnalyticsWorkspaceId: azure.logAnalyticsWorkspaceId,
    frontDoor: azure.frontDoor,
    traffic: trafficManager,
    clock,
    metrics: lazy(async () => armMetrics(await resources(), arm.endpoint)),
    logs: lazy(async () => createLogsReader(await credential(), deps?.logs ?? {})),
    diagnosticSettings: lazy(async () => armDiagnosticSettings(await resources(), arm.endpoint)),
    resources: lazy(async () => (await resources()).resources),
    runCommands: lazy(async () => createRunCommandClient(await credential(), azure.subscriptionId, arm)),
    fluxConfigurations: lazy(async () =>
      createFluxConfigurationsClient(await credential(), azure.subscriptionId, arm),
    ),
    clusterToken: async () => {
      const token = await (await credential()).getToken(AKS_SERVER_SCOPE);
      if (token === null)
        throw new TerminalError('no token for the AKS API server was issued', 'NoClusterToken');
      return token.token;
    },
    ...(deps?.inFlightLagMinutes === undefined ? {} : { inFlightLagMinutes: deps.inFlightLagMinutes }),
  };
  const stampOperations = createAzureStampOperations(operationsOptions);

  const adapters: AzureAdapters = {
    deployer: createArmDeployer({
      client: resources,
      ...(arm.endpoint === undefined ? {} : { armEndpoint: arm.endpoint }),
      ...(deps?.template === undefined ? {} : { template: deps.template }),
      ...(azure.controlPlaneResourceGroup === undefined
        ? {}
        : { permissionResourceGroup: azure.controlPlaneResourceGroup }),
      settings: {
        environment: azure.environment,
        logAnalyticsWorkspaceId: azure.logAnalyticsWorkspaceId,
        ...(azure.alertActionGroupId === undefined
          ? {}
          : { actionGroupResourceId: azure.alertActionGroupId }),
      },
      ...interval,
    }),
    trafficManager,
    originHealthProbe: createHttpsOriginHealthProbe({
      ...(deps?.probeFetch === undefined ? {} : { fetch: deps.probeFetch }),
      ...(deps?.probeTimeoutMs === undefined ? {} : { timeoutMs: deps.probeTimeoutMs }),
    }),
    lifecycleBus: createServiceBusLifecycleBus({ sender }),
    eventPublisher: createEventGridEventPublisher({ client: eventGrid }),
    stampOperations,
    originMetrics: createAzureOriginMetrics(operationsOptions),
    stampMetrics: createAzureStampMetrics(operationsOptions),
    recordArchive: createBlobRecordArchive({
      clock,
      container:
        deps?.archiveContainer ??
        lazy(async () =>
          createArchiveContainerClient(
            azure.archiveBlobEndpoint,
            config.archiveContainer,
            await credential(),
          ),
        ),
    }),
  };
  if (cacheKey !== undefined) shared.set(cacheKey, adapters);
  return adapters;
}
