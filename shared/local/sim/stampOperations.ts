import { NotFoundError } from '../../errors';
import type { CheckResult } from '../../lifecycle/stamp';
import type { Clock } from '../../ports/clock';
import {
  type OperationProgress,
  QUARANTINE_CHECKS,
  type QuarantineCheckRun,
  type QuarantineVerdict,
  type StampOperations,
} from '../../ports/stampOperations';
import { QUARANTINE_CHECKS_DURATION, WORKLOAD_DELETION_DURATION } from './durations';
import type { Collections } from './persisted';
import { drawDuration, type Random } from './random';
import { settle } from './settle';

interface QuarantineRun {
  readonly runId: string;
  readonly endsAt: number;
  /** Why the run fails, decided when something goes wrong before it ends. */
  failure?: string;
}

interface WorkloadDeletion {
  readonly endsAt: number;
}

/** What the operations need to know about the rest of the simulation. */
export interface StampConditions {
  /** In-flight requests at the instant (Front Door decides who is in rotation). */
  inFlightRequests(stampId: string, at: number): number;
  /** Whether `failStamp` holds for the stamp now. */
  isFailing(stampId: string): boolean;
  /** The stamp's region when it is down (its cluster does not answer, its logs cannot be read). */
  downRegion(stampId: string): string | undefined;
}

/**
 * The four named checks, as the Azure adapter names them (shared/azure/operations): all pass, or
 * a region outage fails the ones that need the cluster and its logs, or a mark fails them all.
 */
function namedResults(failure?: string): CheckResult[] {
  const down = failure !== undefined && failure !== MARKED_TO_FAIL;
  const result = (name: string, passed: boolean, detail: string): CheckResult => ({ name, passed, detail });
  if (failure === MARKED_TO_FAIL)
    return QUARANTINE_CHECKS.map((name) =>
      result(name, false, 'marked to fail by the simulation (failQuarantineChecks)'),
    );
  return [
    result(
      'cluster-answers',
      !down,
      down ? 'the cluster did not answer (its region is down)' : 'the cluster answered',
    ),
    result(
      'persistent-volumes',
      !down,
      down ? 'not checked: the cluster did not answer' : 'the persistent volumes are retained',
    ),
    result('diagnostic-settings', true, 'diagnostic settings send to the global workspace'),
    result(
      'logs-until-isolation',
      !down,
      down ? 'its logs could not be read' : 'logs arrived up to the isolation',
    ),
  ];
}

/** What the simulated quarantine checks verify, in the words their result gives. */
const MARKED_TO_FAIL = 'checks failed: marked to fail by the simulation (failQuarantineChecks)';

const CHECKED =
  'diagnostic settings send to the global workspace, logs arrived up to the isolation, the persistent volumes are retained, the cluster answered';

/**
 * Simulated work inside a stamp. Quarantine checks take 5-10 minutes. They verify what the
 * retirement must keep (diagnostics sent to the global workspace, logs up to the isolation,
 * retained volumes) and that the cluster answers, not that the stamp is healthy: a stamp retired
 * because its probe failed passes them. They fail when its region is down (the cluster does not
 * answer, its logs cannot be read) at their start or while they run, or when its checks are
 * marked to fail (`failQuarantineChecks`); the result says what was checked and what failed.
 * The verdict is fixed by those events, not by when it is read.
 * Workload deletion takes 10-15 minutes. Diagnostics are preserved to `immutable://` locations;
 * archives are real blobs (`RecordArchive`, shared/local/storage).
 */
export class SimulatedStampOperations implements StampOperations {
  private readonly checks = new Map<string, QuarantineRun>();
  private readonly checksMarkedToFail = new Set<string>();
  private readonly workloadDeletions = new Map<string, WorkloadDeletion>();
  private readonly diagnostics = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly conditions: StampConditions,
  ) {}

  /** What this part of the simulation keeps across a restart (--data-dir), by name. */
  persistedCollections(): Collections {
    return {
      checks: this.checks,
      checksMarkedToFail: this.checksMarkedToFail,
      workloadDeletions: this.workloadDeletions,
      diagnostics: this.diagnostics,
    };
  }

  inFlightRequests(stampId: string): Promise<number> {
    const now = this.clock.now().getTime();
    if (this.workloadsDeleted(stampId, now)) return Promise.resolve(0);
    return Promise.resolve(this.conditions.inFlightRequests(stampId, now));
  }

  /** Idempotent: the first call fixes the location, so a retried activity gets the same answer. */
  preserveDiagnostics(stampId: string): Promise<{ readonly location: string }> {
    let location = this.diagnostics.get(stampId);
    if (location === undefined) {
      location = `immutable://diagnostics/${stampId}/${this.clock.now().toISOString()}`;
      this.diagnostics.set(stampId, location);
    }
    return Promise.resolve({ location });
  }

  /** A no-op while a run is going on; after one ended, a new start runs the checks again. */
  startQuarantineChecks({ stampId }: QuarantineCheckRun): Promise<{ readonly runId: string }> {
    const now = this.clock.now().getTime();
    const running = this.checks.get(stampId);
    if (running !== undefined && now < running.endsAt) return Promise.resolve({ runId: running.runId });
    const runId = `${stampId}:${new Date(now).toISOString()}`;
    const failure = this.failureNow(stampId);
    this.checks.set(stampId, {
      runId,
      endsAt: now + drawDuration(this.random, QUARANTINE_CHECKS_DURATION),
      ...(failure === undefined ? {} : { failure }),
    });
    return Promise.resolve({ runId });
  }

  /** The stamp's latest run; a run id from an earlier run reads the latest (the simulation keeps one). */
  getQuarantineChecks({
    stampId,
  }: QuarantineCheckRun & { readonly runId: string }): Promise<OperationProgress<QuarantineVerdict>> {
    return settle(() => {
      const run = this.checks.get(stampId);
      if (run === undefined)
        throw new NotFoundError(`no quarantine checks were started for stamp '${stampId}'`);
      if (this.clock.now().getTime() < run.endsAt) return { state: 'Running' } as const;
      return run.failure === undefined
        ? ({
            state: 'Done',
            passed: true,
            detail: `checks passed: ${CHECKED}`,
            results: namedResults(),
          } as const)
        : ({
            state: 'Done',
            passed: false,
            detail: run.failure,
            results: namedResults(run.failure),
          } as const);
    });
  }

  /** Idempotent: a second start, during or after the deletion, changes nothing. */
  startWorkloadDeletion(stampId: string): Promise<void> {
    if (!this.workloadDeletions.has(stampId)) {
      const endsAt = this.clock.now().getTime() + drawDuration(this.random, WORKLOAD_DELETION_DURATION);
      this.workloadDeletions.set(stampId, { endsAt });
    }
    return Promise.resolve();
  }

  getWorkloadDeletion(stampId: string): Promise<OperationProgress<Record<never, never>>> {
    return settle(() => {
      const deletion = this.workloadDeletions.get(stampId);
      if (deletion === undefined)
        throw new NotFoundError(`no workload deletion was started for stamp '${stampId}'`);
      return this.clock.now().getTime() < deletion.endsAt
        ? ({ state: 'Running' } as const)
        : ({ state: 'Done' } as const);
    });
  }

  /** Makes the stamp's quarantine checks fail: the run going on, and runs started later, until `clearStamp`. */
  failChecks(stampId: string): void {
    this.checksMarkedToFail.add(stampId);
    this.doomRunningChecks(stampId, MARKED_TO_FAIL);
  }

  /** A region went down: the checks running in it fail, as the cluster stops answering. */
  regionFailed(inRegion: (stampId: string) => boolean): void {
    for (const stampId of this.checks.keys()) {
      const failure = inRegion(stampId) ? this.failureNow(stampId) : undefined;
      if (failure !== undefined) this.doomRunningChecks(stampId, failure);
    }
  }

  /**
   * The stamp's health endpoint started failing. The quarantine checks verify that logs,
   * metrics and records were preserved, not that the stamp is healthy (a stamp retired because
   * it failed must still pass them), so this does not fail them.
   */
  stampFailed(_stampId: string): void {
    return undefined;
  }

  /** The stamps whose quarantine checks are marked to fail. */
  checksFailing(): readonly string[] {
    return [...this.checksMarkedToFail];
  }

  /** `recoverStamp`: later check runs pass again (a run that already saw the failure keeps its verdict). */
  clearStamp(stampId: string): void {
    this.checksMarkedToFail.delete(stampId);
  }

  /** Whether the stamp's workloads are gone at `at`: it then serves and reports nothing. */
  workloadsDeleted(stampId: string, at: number): boolean {
    const deletion = this.workloadDeletions.get(stampId);
    return deletion !== undefined && at >= deletion.endsAt;
  }

  private failureNow(stampId: string): string | undefined {
    if (this.checksMarkedToFail.has(stampId)) return MARKED_TO_FAIL;
    const region = this.conditions.downRegion(stampId);
    if (region !== undefined)
      return `checks failed: the cluster did not answer and its logs could not be read (region ${region} is down); checked: ${CHECKED}`;
    return undefined;
  }

  private doomRunningChecks(stampId: string, failure: string): void {
    const run = this.checks.get(stampId);
    if (run !== undefined && run.failure === undefined && this.clock.now().getTime() < run.endsAt) {
      run.failure = failure;
    }
  }
}
