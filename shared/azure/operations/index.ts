import type { Clock } from '../../ports/clock';
import type { OriginMetrics } from '../../ports/originMetrics';
import type { StampMetrics } from '../../ports/stampMetrics';
import type { StampOperations } from '../../ports/stampOperations';
import type { TrafficManager } from '../../ports/trafficManager';
import { createDiagnostics, type DiagnosticSettingsClient } from './diagnostics';
import {
  createInFlightRequests,
  type FrontDoorMetricsOptions,
  type MetricsQueryClient,
} from './inFlightRequests';
import { createOriginMetrics } from './originMetrics';
import {
  createQuarantineChecks,
  type LogsReader,
  type ResourceReader,
  type RunCommandClient,
} from './quarantineChecks';
import { createAzureStampMetrics as createStampMetrics } from './stampMetrics';
import { frontDoorProfileId, stampResources } from './stampResources';
import { createWorkloadDeletion, type FluxConfigurationsClient } from './workloadDeletion';

export type { DiagnosticSetting, DiagnosticSettingsClient } from './diagnostics';
export { armDiagnosticSettings, DIAGNOSTIC_SETTINGS_API_VERSION, PRESERVE_SETTING } from './diagnostics';
export {
  armMetrics,
  IN_FLIGHT_METRIC,
  IN_FLIGHT_NAMESPACE,
  METRICS_API_VERSION,
  type MetricsQueryClient,
} from './inFlightRequests';
export {
  type CommandResult,
  LIST_VOLUMES,
  type LogsReader,
  type RawResponse,
  type ResourceReader,
  type RunCommandClient,
} from './quarantineChecks';
export { FLUX_CONFIGURATION, stampResources } from './stampResources';
export type { FluxConfigurationsClient } from './workloadDeletion';

export interface AzureStampOperationsOptions {
  readonly subscriptionId: string;
  readonly logAnalyticsWorkspaceId: string;
  readonly frontDoor: { readonly resourceGroup: string; readonly profile: string };
  readonly traffic: Pick<TrafficManager, 'getOrigin'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly metrics: () => Promise<MetricsQueryClient>;
  readonly diagnosticSettings: () => Promise<DiagnosticSettingsClient>;
  readonly runCommands: () => Promise<RunCommandClient>;
  readonly resources: () => Promise<ResourceReader>;
  readonly logs: () => Promise<LogsReader>;
  readonly fluxConfigurations: () => Promise<FluxConfigurationsClient>;
  readonly clusterToken: () => Promise<string>;
  readonly inFlightLagMinutes?: number;
  readonly logIngestionMinutes?: number;
}

/**
 * `StampOperations` on Azure: the work inside a stamp through Azure Monitor (metrics and logs),
 * the AKS run command, ARM (diagnostic settings, disks) and the AKS GitOps extension. Each
 * operation's mechanism and its reasons are in shared/azure/README.md.
 */
/** What reading the Front Door profile's metrics needs: the drain's in-flight count and the canary's figures. */
function frontDoorMetrics(options: AzureStampOperationsOptions): FrontDoorMetricsOptions {
  return {
    metrics: options.metrics,
    traffic: options.traffic,
    profileId: frontDoorProfileId(
      options.subscriptionId,
      options.frontDoor.resourceGroup,
      options.frontDoor.profile,
    ),
    clock: options.clock,
    ...(options.inFlightLagMinutes === undefined ? {} : { lagMinutes: options.inFlightLagMinutes }),
  };
}

/** The seed's monitoring figures per stamp (the dashboard's plots), from the same metrics API. */
export function createAzureStampMetrics(options: AzureStampOperationsOptions): StampMetrics {
  return createStampMetrics({ metrics: options.metrics, profileId: frontDoorMetrics(options).profileId });
}

/** The canary's Front Door figures, from the same metrics API as the drain's in-flight count. */
export function createAzureOriginMetrics(options: AzureStampOperationsOptions): OriginMetrics {
  return createOriginMetrics(frontDoorMetrics(options));
}

export function createAzureStampOperations(options: AzureStampOperationsOptions): StampOperations {
  const diagnostics = createDiagnostics({
    client: options.diagnosticSettings,
    workspaceId: options.logAnalyticsWorkspaceId,
  });
  const inFlight = createInFlightRequests(frontDoorMetrics(options));
  const checks = createQuarantineChecks({
    subscriptionId: options.subscriptionId,
    runCommands: options.runCommands,
    resources: options.resources,
    logs: options.logs,
    diagnostics,
    clusterToken: options.clusterToken,
    clock: options.clock,
    ...(options.logIngestionMinutes === undefined
      ? {}
      : { logIngestionMinutes: options.logIngestionMinutes }),
  });
  const workloads = createWorkloadDeletion({
    subscriptionId: options.subscriptionId,
    client: options.fluxConfigurations,
  });
  return {
    inFlightRequests: inFlight,
    preserveDiagnostics: (stampId) =>
      diagnostics.preserve(stampResources(options.subscriptionId, stampId).clusterId),
    startQuarantineChecks: (run) => checks.start(run),
    getQuarantineChecks: (run) => checks.get(run),
    startWorkloadDeletion: (stampId) => workloads.start(stampId),
    getWorkloadDeletion: (stampId) => workloads.get(stampId),
  };
}
