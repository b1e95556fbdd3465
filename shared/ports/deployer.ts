/**
 * The port to Azure Resource Manager for a stamp's infrastructure. Long operations are
 * started by one call and observed by another, so that a durable orchestration can poll them
 * with timers; nothing blocks for the 15-20 minutes a stamp deployment takes.
 * On Azure: `@azure/arm-resources` (shared/azure/); locally: the simulated Azure.
 */
export interface StampDeploymentRequest {
  readonly stampId: string;
  /** Azure region name; also the location of the subscription-scope deployment. */
  readonly region: string;
  readonly generation: number;
  /** Deterministic `stamp-{id}-{generation}`: a second start with the same name is the same deployment. */
  readonly deploymentName: string;
}

/** The stamp template's outputs that the control plane reads (infra/stamp/main.bicep). */
export interface StampDeploymentOutputs {
  /** The host name Front Door sends the stamp's traffic to. */
  readonly originHostName: string;
  readonly [name: string]: string;
}

export type DeploymentStatus =
  | { readonly state: 'Running' }
  | { readonly state: 'Succeeded'; readonly outputs: StampDeploymentOutputs }
  | { readonly state: 'Failed'; readonly code: string; readonly message: string };

export type ResourceGroupDeletionStatus = 'Deleting' | 'Deleted';

/** One resource a deployment would change, as ARM's what-if predicts it. */
export interface PredictedChange {
  readonly resourceId: string;
  /** `Create`, `Modify`, `Delete`, `Deploy`, `NoChange`, `Ignore` (ARM's WhatIfChange.changeType). */
  readonly changeType: string;
}

/** What a stamp's deployment would do, before it starts. */
export interface DeploymentPreview {
  readonly changes: readonly PredictedChange[];
  /** Where the prediction comes from, for a person reading it. */
  readonly source: string;
}

export interface Deployer {
  /** Starts (or finds already started) the deployment; idempotent by deployment name. */
  startDeployment(request: StampDeploymentRequest): Promise<void>;
  /** The deployment's state; Failed carries the ARM error code and message. */
  getDeployment(deploymentName: string): Promise<DeploymentStatus>;
  /** Starts deleting a stamp's resource group; a missing group counts as deleted. */
  startResourceGroupDeletion(resourceGroup: string): Promise<void>;
  getResourceGroupDeletion(resourceGroup: string): Promise<ResourceGroupDeletionStatus>;
  /**
   * How many more stamps the subscription's quota allows in the region now, or undefined when
   * that is not known (the fleet reconciler then learns it from a refused deployment).
   */
  remainingStampQuota(region: string): Promise<number | undefined>;
  /** ARM's what-if of the deployment: the resources it would create or change (seconds, not minutes). */
  previewDeployment(request: StampDeploymentRequest): Promise<DeploymentPreview>;
  /**
   * The deploying identity's permissions where a new stamp's resource group would be created, one
   * entry per role (Actions, NotActions), or undefined when they cannot be read.
   */
  deploymentPermissions(): Promise<readonly DeployerPermission[] | undefined>;
}

/** One role's operations, as ARM's permissions API lists them. */
export interface DeployerPermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}
