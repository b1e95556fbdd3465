import { TerminalError } from '../../errors';
import type { OperationProgress } from '../../ports/stampOperations';
import { mapAzureError, statusOf } from '../errors';
import { FLUX_CONFIGURATION, stampResources } from './stampResources';

/** The Flux configuration calls of `@azure/arm-kubernetesconfiguration` 6.1.0 (api-version 2023-05-01). */
export interface FluxConfigurationsClient {
  beginDelete(
    resourceGroupName: string,
    clusterRp: string,
    clusterResourceName: string,
    clusterName: string,
    fluxConfigurationName: string,
  ): Promise<unknown>;
  get(
    resourceGroupName: string,
    clusterRp: string,
    clusterResourceName: string,
    clusterName: string,
    fluxConfigurationName: string,
  ): Promise<{ readonly provisioningState?: string }>;
}

/**
 * Deleting a stamp's workloads: the GitOps (Flux v2) configuration `stamp-apps` that the stamp
 * template installs is deleted, and its kustomization (`prune: true`) takes every object it
 * applied with it; persistent volumes whose reclaim policy is `Retain` (a quarantine check) keep
 * their disks. The delete is started (ARM answers 202) and not awaited; reading it is a GET of
 * the configuration: `Deleting` is running, 404 is done. A stamp without GitOps has nothing to
 * delete.
 */
export function createWorkloadDeletion(options: {
  readonly subscriptionId: string;
  readonly client: () => Promise<FluxConfigurationsClient>;
}) {
  const args = (stampId: string) => {
    const where = stampResources(options.subscriptionId, stampId);
    return [
      where.resourceGroup,
      'Microsoft.ContainerService',
      'managedClusters',
      where.clusterName,
      FLUX_CONFIGURATION,
    ] as const;
  };
  return {
    async start(stampId: string): Promise<void> {
      try {
        await (await options.client()).beginDelete(...args(stampId));
      } catch (error) {
        if (statusOf(error) === 404) return;
        throw mapAzureError(
          error,
          `deleting the workloads of ${stampId} (Flux configuration ${FLUX_CONFIGURATION})`,
        );
      }
    },
    async get(stampId: string): Promise<OperationProgress<Record<never, never>>> {
      let state: string | undefined;
      try {
        state = (await (await options.client()).get(...args(stampId))).provisioningState;
      } catch (error) {
        if (statusOf(error) === 404) return { state: 'Done' };
        throw mapAzureError(error, `reading the workload deletion of ${stampId}`);
      }
      if (state === 'Deleting') return { state: 'Running' };
      throw new TerminalError(
        `the Flux configuration ${FLUX_CONFIGURATION} of ${stampId} is ${state ?? 'in an unknown state'}, not being deleted; delete it again or by hand`,
        state === 'Failed' ? 'WorkloadDeletionFailed' : 'WorkloadDeletionNotRunning',
      );
    },
  };
}
