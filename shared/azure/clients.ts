import type { Agent } from 'node:https';

import type { TokenCredential } from '@azure/identity';

import type { ArchiveContainerClient } from './blobRecordArchive';
import type { ArmResourcesClient } from './deployer';
import type { EventGridClient } from './eventPublisher';
import type { LifecycleSender } from './lifecycleBus';
import type { FluxConfigurationsClient, LogsReader, RunCommandClient } from './operations';
import type { AfdOriginsClient } from './trafficManager';

/**
 * Builders of the SDK clients. Each loads its SDK with a dynamic `import()` when first called, so
 * that importing `shared/azure` loads no SDK (a trigger that never deploys never pays for
 * `@azure/arm-resources`). `createAzureAdapters` calls each once per process, through `lazy`.
 */

/** Where and how a management (ARM) client talks; all optional, for a stand-in or a sovereign cloud. */
export interface ArmClientOptions {
  /** Default `https://management.azure.com`. `$host` is ignored by these clients; `endpoint` is not. */
  readonly endpoint?: string;
  /** Needed whenever `endpoint` is not the public one (the default derives the scope from it). */
  readonly credentialScopes?: readonly string[];
  /** E.g. an agent that trusts a stand-in's self-signed certificate. */
  readonly agent?: Agent;
  readonly retryOptions?: {
    readonly maxRetries?: number;
    readonly retryDelayInMs?: number;
    readonly maxRetryDelayInMs?: number;
  };
}

export const ARM_SCOPE = 'https://management.azure.com/.default';

function pipelineOptions(options: ArmClientOptions) {
  return {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint.replace(/\/+$/, '') }),
    ...(options.credentialScopes === undefined ? {} : { credentialScopes: [...options.credentialScopes] }),
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    ...(options.retryOptions === undefined ? {} : { retryOptions: { ...options.retryOptions } }),
  };
}

/** `@azure/arm-resources` 6.1.0 (api-version 2025-03-01): deployments and resource groups. */
export async function createResourceManagementClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions = {},
): Promise<ArmResourcesClient> {
  const { ResourceManagementClient } = await import('@azure/arm-resources');
  return new ResourceManagementClient(credential, subscriptionId, pipelineOptions(options));
}

/** `@azure/arm-cdn` 9.1.0 (api-version 2024-02-01): Front Door Standard/Premium origins. */
export async function createAfdOriginsClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions = {},
): Promise<AfdOriginsClient> {
  const { CdnManagementClient } = await import('@azure/arm-cdn');
  return new CdnManagementClient(credential, subscriptionId, pipelineOptions(options)).afdOrigins;
}

/** An Event Grid topic client for CloudEvents 1.0 (the topic's input schema must be CloudEventSchemaV1_0). */
export async function createEventGridClient(
  endpoint: string,
  credential: TokenCredential,
  options: Pick<ArmClientOptions, 'agent' | 'retryOptions'> = {},
): Promise<EventGridClient> {
  const { EventGridPublisherClient } = await import('@azure/eventgrid');
  return new EventGridPublisherClient(endpoint, 'CloudEvent', credential, pipelineOptions(options));
}

/** `@azure/arm-containerservice` 24.1.0 (api-version 2025-10-01): the AKS run command. */
export async function createRunCommandClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions = {},
): Promise<RunCommandClient> {
  const { ContainerServiceClient } = await import('@azure/arm-containerservice');
  return new ContainerServiceClient(credential, subscriptionId, pipelineOptions(options)).managedClusters;
}

/** `@azure/arm-kubernetesconfiguration` 6.1.0 (api-version 2023-05-01): Flux v2 configurations. */
export async function createFluxConfigurationsClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions = {},
): Promise<FluxConfigurationsClient> {
  const { SourceControlConfigurationClient } = await import('@azure/arm-kubernetesconfiguration');
  return new SourceControlConfigurationClient(credential, subscriptionId, pipelineOptions(options))
    .fluxConfigurations;
}

/** Where an Azure Monitor query client talks; a stand-in's endpoint and agent in tests. */
export interface MonitorClientOptions {
  readonly endpoint?: string;
  readonly agent?: Agent;
}

/** `@azure/monitor-query-logs` 1.0.0: Logs queries (`https://api.loganalytics.io/v1` by default). */
export async function createLogsReader(
  credential: TokenCredential,
  options: MonitorClientOptions = {},
): Promise<LogsReader> {
  const { LogsQueryClient } = await import('@azure/monitor-query-logs');
  return new LogsQueryClient(credential, {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  });
}

/**
 * `@azure/storage-blob` 12.32.0: the archive container of the archive storage account, signed in
 * with the credential (Entra ID; the account allows no shared keys).
 */
export async function createArchiveContainerClient(
  blobEndpoint: string,
  containerName: string,
  credential: TokenCredential,
): Promise<ArchiveContainerClient> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  return new BlobServiceClient(blobEndpoint, credential).getContainerClient(containerName);
}

/**
 * A sender on the lifecycle queue. The client connects (AMQP) on the first send, not here; the
 * sender and its connection are kept for the life of the process.
 */
export async function createLifecycleSender(
  fullyQualifiedNamespace: string,
  queueName: string,
  credential: TokenCredential,
): Promise<LifecycleSender> {
  const { ServiceBusClient } = await import('@azure/service-bus');
  return new ServiceBusClient(fullyQualifiedNamespace, credential).createSender(queueName);
}
