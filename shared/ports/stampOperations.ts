import type { CheckResult } from '../lifecycle/stamp';

/**
 * Work inside a stamp (its AKS cluster, GitOps applications and storage) that the lifecycle
 * needs: measuring in-flight requests while draining, preserving diagnostics and running the
 * checks in quarantine, deleting workloads (keeping persistent volumes). Archives are `RecordArchive`'s.
 * The checks (5-10 min) and the workload deletion (10-15 min) are long: started by one call
 * and observed by another, so a durable orchestration polls them with timers.
 */
export type OperationProgress<T> = { readonly state: 'Running' } | ({ readonly state: 'Done' } & T);

/** What the quarantine checks of one stamp need to know. */
export interface QuarantineCheckRun {
  readonly stampId: string;
  /** When the stamp left rotation: its logs must have arrived up to then. */
  readonly leftRotationAt: string;
}

/** The quarantine checks, by name, in the order they are answered (Azure and the simulation). */
export const QUARANTINE_CHECKS = [
  'cluster-answers',
  'persistent-volumes',
  'diagnostic-settings',
  'logs-until-isolation',
] as const;

export interface QuarantineVerdict {
  readonly passed: boolean;
  /** One line on what was checked and what failed. */
  readonly detail: string;
  /** Each named check, when the checks name them. */
  readonly results?: readonly CheckResult[];
}

export interface StampOperations {
  inFlightRequests(stampId: string): Promise<number>;
  /** Copies logs and metrics to the global workspace / immutable storage; returns where. */
  preserveDiagnostics(stampId: string): Promise<{ readonly location: string }>;
  /**
   * Starts a run of the quarantine checks and answers its id (an AKS run command's id on Azure),
   * which `getQuarantineChecks` is given back. Starting again starts another run on Azure (the
   * simulation keeps the one running); the orchestration reads the run whose id it holds.
   */
  startQuarantineChecks(run: QuarantineCheckRun): Promise<{ readonly runId: string }>;
  getQuarantineChecks(
    run: QuarantineCheckRun & { readonly runId: string },
  ): Promise<OperationProgress<QuarantineVerdict>>;
  /** Starts deleting the workloads and leaving the service mesh; persistent volumes stay. Idempotent. */
  startWorkloadDeletion(stampId: string): Promise<void>;
  getWorkloadDeletion(stampId: string): Promise<OperationProgress<Record<never, never>>>;
}
