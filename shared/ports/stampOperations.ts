import type { AuditRecord } from '../lifecycle/stamp';

/**
 * Work inside a stamp (its AKS cluster, GitOps applications and storage) that the lifecycle
 * needs: measuring in-flight requests while draining, preserving diagnostics and running the
 * checks in quarantine, deleting workloads (keeping persistent volumes) and archiving records.
 */
export interface StampOperations {
  inFlightRequests(stampId: string): Promise<number>;
  /** Copies logs and metrics to the global workspace / immutable storage; returns where. */
  preserveDiagnostics(stampId: string): Promise<{ readonly location: string }>;
  runQuarantineChecks(stampId: string): Promise<{ readonly passed: boolean; readonly detail: string }>;
  /** Deletes the stamp's workloads and removes it from the service mesh; persistent volumes stay. */
  deleteWorkloads(stampId: string): Promise<void>;
  /** Writes the audit trail and compliance records to immutable storage; returns where. */
  archiveRecords(stampId: string, audit: readonly AuditRecord[]): Promise<{ readonly location: string }>;
}
