import type { OrchestrationContext, Task } from 'durable-functions';

import type { Effect } from '../../lifecycle/effects';
import type { StampEvent } from '../../lifecycle/events';
import type { Phase, Traffic } from '../../lifecycle/phase';
import { timerFired } from '../../lifecycle/timers';
import type { TraceRef } from '../../ports/stampStore';
import { isFresh } from '../../telemetry/traceContext';
import type { ActivityInput, ActivityName, ActivityResult } from './activities';
import { decodeActivityError } from './activityErrors';
import {
  type LifecycleInput,
  nextWatch,
  parseLifecycleInput,
  plusSeconds,
  POLL_SECONDS,
  type PollWatch,
  timerKey,
  type Watch,
  watchesFor,
  withoutWatch,
  withTimers,
} from './lifecycleState';

/** How long after a watch's read failed for good it is read again. */
const WATCH_RETRY_SECONDS = 15 * 60;

export { STAMP_LIFECYCLE } from './names';
/** Raised by triggers after they put an event in the stamp's inbox. Carries nothing. */
export const WAKE_EVENT = 'stamp-wake';

/** Bounds the history (and so the replay cost of an episode): after this many activities the orchestration continues as new. */
const MAX_STEPS_PER_EXECUTION = 12;
const MAX_ATTEMPTS = 5;
const FIRST_RETRY_SECONDS = 5;
/** A failed deployment whose error may pass is started again this many times. */
const MAX_DEPLOYMENT_ATTEMPTS = 3;
const TERMINAL_DEPLOYMENT_CODES = new Set([
  'InvalidTemplate',
  'QuotaExceeded',
  'AuthorizationFailed',
  'InvalidTemplateDeployment',
  'RoleDefinitionDoesNotExist',
]);

type Step = Generator<Task, unknown, unknown>;
/** A poll watch before its time is set: the time is its interval from now. */
type PollWatchWithoutTime = PollWatch extends infer W ? (W extends PollWatch ? Omit<W, 'at'> : never) : never;

/**
 * One stamp's lifecycle as a deterministic loop: run the effects the
 * last decision asked for, then wait for whichever comes first, a wake-up (an event is in the
 * inbox) or the earliest watch (a durable timer, a poll of a long operation); turn what it
 * observed into an event; let the `applyStampEvents` activity decide and commit; repeat.
 * All I/O is in activities; time comes from `currentUtcDateTime`; ids from `newGuid`.
 */
export function* stampLifecycleOrchestrator(ctx: OrchestrationContext): Step {
  const input: LifecycleInput = parseLifecycleInput(ctx.df.getInput());
  const stampId = input.stampId;
  const effects: Effect[] = [...input.effects];
  let watches: Watch[] = [...input.watches];
  const drainTimers: Record<string, string> = { ...input.drainTimers };
  const execution = input.execution ?? 0;
  let phase: Phase | undefined;
  let traffic: Traffic | undefined;
  let steps = 0;
  let firstApply = true;
  /**
   * The trace the last decisions joined (from the applyStampEvents result, so from the history:
   * replay-safe). Every activity input carries it while it is fresh, and the activity's span
   * continues it; the orchestrator itself emits no span, since a replay would emit it again.
   */
  let trace: TraceRef | undefined = input.trace;
  /** Timers fired in this execution: never armed again from the document. */
  const firedTimers = new Set<string>();
  const now = (): Date => ctx.df.currentUtcDateTime;
  const log = (message: string): void => {
    if (!ctx.df.isReplaying) ctx.log(`[${stampId}] ${message}`);
  };

  /** Calls an activity, retrying what may pass; the result is typed by the activity table. */
  function* call<N extends ActivityName>(
    name: N,
    activityInput: ActivityInput<N>,
  ): Generator<Task, ActivityResult<N>, unknown> {
    for (let attempt = 1; ; attempt += 1) {
      steps += 1;
      try {
        const traced = isFresh(trace, now()) ? { ...activityInput, trace } : activityInput;
        return (yield ctx.df.callActivity(name, traced)) as ActivityResult<N>;
      } catch (error) {
        const decoded = decodeActivityError(error);
        if (!decoded.retryable || attempt >= MAX_ATTEMPTS) throw error;
        log(`${name} failed (${decoded.code}), attempt ${attempt}; retrying`);
        yield ctx.df.createTimer(new Date(now().getTime() + FIRST_RETRY_SECONDS * 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  function* apply(event?: StampEvent): Step {
    // newGuid hashes the name, the orchestration's time and a counter that starts again in each
    // execution: without the execution's number, an execution that begins at the instant its
    // predecessor ended (continue-as-new in the same moment) would reuse its first key, and the
    // inbox would answer the previous batch's effects instead of deciding what is pending.
    const key = ctx.df.newGuid(`${stampId}:apply:${execution}`);
    const result = yield* call('applyStampEvents', {
      stampId,
      key,
      ...(event === undefined ? {} : { event }),
    });
    if (!result.found) {
      phase = undefined;
      return false;
    }
    for (const outcome of result.outcomes)
      log(`${outcome.type} ${outcome.eventId}: ${outcome.outcome} ${outcome.detail}`);
    phase = result.phase;
    traffic = result.traffic;
    if (result.trace !== undefined) trace = result.trace;
    effects.push(...result.effects);
    if (phase !== undefined) watches = watchesFor(watches, phase);
    // The document's deadlines are timers to keep: one whose start-timer effect was lost with a
    // failed execution is armed again, at the first apply of an execution (results recorded
    // before this field existed keep their watches).
    if (firstApply && result.timers !== undefined && phase !== undefined)
      watches = withTimers(watches, result.timers, phase, firedTimers);
    firstApply = false;
    return true;
  }

  function watch(next: Watch): void {
    watches = [...watches, next];
  }

  /** Polls a long operation again after its interval. */
  function pollLater(next: PollWatchWithoutTime): void {
    watch({ ...next, at: plusSeconds(now(), POLL_SECONDS[next.kind]) });
  }

  /** Starts (or starts again) the stamp's deployment and polls it. */
  function* deploy(d: {
    region: string;
    deploymentName: string;
    generation: number;
    attempt: number;
  }): Generator<Task, void, unknown> {
    const { region, deploymentName, generation, attempt } = d;
    yield* call('startDeployment', { stampId, region, deploymentName, generation });
    pollLater({ kind: 'deployment', region, deploymentName, generation, attempt });
  }

  function* runEffect(effect: Effect): Step {
    switch (effect.kind) {
      case 'start-deployment':
        yield* deploy({ ...effect, attempt: 1 });
        return;
      case 'register-origin': {
        yield* call('registerOrigin', { stampId, hostName: effect.hostName });
        pollLater({
          kind: 'origin-health',
          hostName: effect.hostName,
        });
        return;
      }
      case 'enable-origin':
      case 'disable-origin':
        yield* call('setOriginEnabled', { stampId, enabled: effect.kind === 'enable-origin' });
        return;
      case 'remove-origin':
        yield* call('removeOrigin', { stampId });
        return;
      case 'set-origin-weight':
        yield* call('setOriginWeight', { stampId, weight: effect.weight });
        return;
      case 'compare-canary': {
        const comparison = yield* call('compareCanary', { stampId });
        yield* apply({
          type: 'CanaryCompared',
          id: `${stampId}:canary:${effect.step}:${effect.dueAt}`,
          step: effect.step,
          dueAt: effect.dueAt,
          comparison,
        });
        return;
      }
      case 'start-timer':
        watches = watches.filter((w) => !(w.kind === 'timer' && w.timer === effect.timer));
        watch({ kind: 'timer', at: effect.at, timer: effect.timer });
        return;
      case 'cancel-timer':
        watches = watches.filter((w) => !(w.kind === 'timer' && w.timer === effect.timer));
        return;
      case 'schedule-drain-timer':
        drainTimers[effect.drainId] = yield* call('scheduleDrainTimer', {
          stampId,
          drainId: effect.drainId,
          dueAt: effect.at,
        });
        return;
      case 'cancel-drain-timer': {
        const sequenceNumber = drainTimers[effect.drainId];
        if (sequenceNumber !== undefined) yield* call('cancelDrainTimer', { sequenceNumber });
        delete drainTimers[effect.drainId];
        return;
      }
      case 'watch-in-flight':
        pollLater({ kind: 'in-flight', drainId: effect.drainId });
        return;
      case 'reconcile-fleet':
        yield* call('requestFleetReconciliation', {
          requestId: ctx.df.newGuid(`${stampId}:reconcile-fleet`),
          reason: effect.reason,
        });
        return;
      case 'notify-replaced-stamp':
        yield* call('notifyReplacedStamp', { stampId, replacedStampId: effect.replacedStampId });
        return;
      case 'preserve-diagnostics':
        yield* call('preserveDiagnostics', { stampId });
        return;
      case 'run-quarantine-checks': {
        const { runId } = yield* call('startQuarantineChecks', { stampId });
        pollLater({ kind: 'quarantine-checks', runId });
        return;
      }
      case 'delete-workloads':
        yield* call('startWorkloadDeletion', { stampId });
        pollLater({ kind: 'workload-deletion' });
        return;
      case 'archive-records': {
        const archive = yield* call('archiveRecords', { stampId });
        yield* apply({ type: 'RecordsArchived', id: `${stampId}:records-archived`, ...archive });
        return;
      }
      case 'release-archive':
        yield* call('releaseArchive', { stampId, retainUntil: effect.retainUntil });
        return;
      case 'schedule-purge':
        yield* call('schedulePurge', { stampId, dueAt: effect.dueAt });
        return;
      case 'unschedule-purge':
        yield* call('unschedulePurge', { stampId, dueAt: effect.dueAt });
        return;
      case 'delete-resource-group':
        yield* call('startResourceGroupDeletion', { resourceGroup: effect.resourceGroup });
        pollLater({
          kind: 'resource-group-deletion',
          resourceGroup: effect.resourceGroup,
        });
        return;
      case 'raise-incident':
      case 'publish-phase-changed':
        yield* call('publishLifecycleEvent', {
          effect,
          eventId: ctx.df.newGuid(`${stampId}:${effect.kind}`),
        });
        return;
    }
  }

  /** Runs one effect; a failure no retry fixes is reported, and the lifecycle goes on. */
  function* runEffectSafely(effect: Effect): Step {
    try {
      yield* runEffect(effect);
    } catch (error) {
      const decoded = decodeActivityError(error);
      log(`effect ${effect.kind} failed: ${decoded.code}: ${decoded.message}`);
      if (effect.kind === 'start-deployment') {
        yield* apply({
          type: 'DeploymentFailed',
          id: `${effect.deploymentName}:start-failed`,
          error: `${decoded.code}: ${decoded.message}`,
        });
        return;
      }
      if (effect.kind === 'raise-incident' || effect.kind === 'publish-phase-changed') return;
      yield* call('publishLifecycleEvent', {
        effect: {
          kind: 'raise-incident',
          stampId,
          incident: 'effect-failed',
          detail: `effect ${effect.kind} of ${stampId} failed and was not retried further: ${decoded.code}: ${decoded.message}`,
        },
        eventId: ctx.df.newGuid(`${stampId}:effect-failed`),
      });
    }
  }

  /**
   * Observes a watch; a read that failed for good (after the activity's retries) does not fail
   * the orchestration and lose its watches. Checks that cannot be read are checks that failed (an
   * operator can verify with a reason); any other watch raises an incident and is read again
   * later, when someone may have fixed what stopped it.
   */
  function* observeSafely(due: Watch): Step {
    try {
      yield* observe(due);
    } catch (error) {
      const decoded = decodeActivityError(error);
      const what = `${decoded.code}: ${decoded.message}`;
      log(`watch ${due.kind} failed: ${what}`);
      if (due.kind === 'quarantine-checks') {
        yield* apply({
          type: 'QuarantineChecksCompleted',
          id: ctx.df.newGuid(`${stampId}:quarantine-checks`),
          passed: false,
          detail: `the quarantine checks could not be read: ${what}`.slice(0, 2000),
        });
        return;
      }
      yield* call('publishLifecycleEvent', {
        effect: {
          kind: 'raise-incident',
          stampId,
          incident: 'effect-failed',
          detail: `watching ${due.kind} of ${stampId} failed and was not retried further: ${what}; it is read again in ${WATCH_RETRY_SECONDS / 60} minutes`,
        },
        eventId: ctx.df.newGuid(`${stampId}:watch-failed`),
      });
      watch({ ...due, at: plusSeconds(now(), WATCH_RETRY_SECONDS) });
    }
  }

  function* observe(due: Watch): Step {
    watches = withoutWatch(watches, due);
    switch (due.kind) {
      case 'deployment': {
        const status = yield* call('getDeployment', { deploymentName: due.deploymentName });
        if (status.state === 'Running') {
          pollLater(due);
        } else if (status.state === 'Succeeded') {
          yield* apply({
            type: 'DeploymentSucceeded',
            id: `${due.deploymentName}:Succeeded`,
            originHostName: status.outputs.originHostName,
            outputs: { ...status.outputs },
          });
        } else if (due.attempt < MAX_DEPLOYMENT_ATTEMPTS && !TERMINAL_DEPLOYMENT_CODES.has(status.code)) {
          log(`deployment ${due.deploymentName} failed (${status.code}); starting it again`);
          yield* deploy({ ...due, attempt: due.attempt + 1 });
        } else {
          yield* apply({
            type: 'DeploymentFailed',
            id: `${due.deploymentName}:Failed`,
            error: `${status.code}: ${status.message} (after ${due.attempt} attempt(s))`,
          });
        }
        return;
      }
      case 'origin-health': {
        const health = yield* call('checkOriginHealth', { hostName: due.hostName });
        if (health === 'Healthy')
          yield* apply({ type: 'OriginHealthy', id: `${stampId}:origin-healthy:${due.hostName}` });
        else pollLater(due);
        return;
      }
      case 'timer':
        firedTimers.add(timerKey(due.timer, due.at));
        yield* apply(timerFired(stampId, due.timer, due.at));
        return;
      case 'in-flight': {
        const count = yield* call('inFlightRequests', { stampId });
        if (count === 0)
          yield* apply({
            type: 'InFlightDrained',
            id: `${stampId}:in-flight-zero:${due.drainId}`,
            drainId: due.drainId,
          });
        else pollLater(due);
        return;
      }
      case 'quarantine-checks': {
        // A watch from before runs had ids starts its run again (a no-op while one runs).
        const runId = due.runId ?? (yield* call('startQuarantineChecks', { stampId })).runId;
        const progress = yield* call('getQuarantineChecks', { stampId, runId });
        if (progress.state === 'Running') pollLater({ ...due, runId });
        else {
          yield* apply({
            type: 'QuarantineChecksCompleted',
            id: ctx.df.newGuid(`${stampId}:quarantine-checks`),
            passed: progress.passed,
            detail: progress.detail,
            ...(progress.results === undefined ? {} : { results: [...progress.results] }),
          });
        }
        return;
      }
      case 'workload-deletion': {
        const progress = yield* call('getWorkloadDeletion', { stampId });
        if (progress.state === 'Running') pollLater(due);
        else yield* apply({ type: 'DecommissionCompleted', id: `${stampId}:decommission-completed` });
        return;
      }
      case 'resource-group-deletion': {
        const state = yield* call('getResourceGroupDeletion', { resourceGroup: due.resourceGroup });
        if (state !== 'Deleted') pollLater(due);
        return;
      }
    }
  }

  // Events may have arrived while no execution was listening: the inbox has them.
  if (!(yield* apply())) return { stampId, outcome: 'not-found' };
  const executionPhase = phase;
  // Every wait task created in this execution and not yet taken. A fresh one goes into each
  // Task.any: durable-functions 3.5.0 tracks a wait task again each time it is yielded
  // (TaskOrchestrationExecutor.trackOpenTask pushes it onto openEvents[name]) and gives each
  // raised event to the last one pushed, so re-yielding one task leaves a stale copy behind that
  // swallows a later wake-up. A wait that lost to a timer stays open, and a wake-up raised while
  // the orchestration is busy completes it: such a completed wait counts as a wake-up. Task.any
  // does not look at children completed before it is built, so it is taken here, not yielded.
  let waits: Task[] = [];
  for (;;) {
    while (effects.length > 0) {
      const effect = effects.shift();
      if (effect !== undefined) yield* runEffectSafely(effect);
    }
    if (phase === 'purged' && !watches.some((w) => w.kind === 'resource-group-deletion')) {
      ctx.df.setCustomStatus({ phase, traffic, waitingFor: [] });
      return { stampId, outcome: 'purged' };
    }
    if (phase !== executionPhase || steps >= MAX_STEPS_PER_EXECUTION) {
      // A new execution at each phase boundary (and after many steps) keeps the history short.
      // Unconsumed wake-ups are dropped here; their events wait in the inbox for the next apply.
      ctx.df.continueAsNew({
        stampId,
        effects: [],
        watches,
        drainTimers,
        execution: execution + 1,
        ...(isFresh(trace, now()) ? { trace } : {}),
      } satisfies LifecycleInput);
      return undefined;
    }
    if (waits.some((w) => w.isCompleted)) {
      waits = waits.filter((w) => !w.isCompleted);
      if (!(yield* apply())) return { stampId, outcome: 'not-found' };
      continue;
    }
    ctx.df.setCustomStatus({ phase, traffic, waitingFor: watches.map((w) => `${w.kind}@${w.at}`) });
    const due = nextWatch(watches);
    const timer = due === undefined ? undefined : ctx.df.createTimer(new Date(due.at));
    const wake = ctx.df.waitForExternalEvent(WAKE_EVENT);
    waits.push(wake);
    const winner = (yield ctx.df.Task.any(timer === undefined ? [wake] : [wake, timer])) as Task;
    if (winner === wake) {
      timer?.cancel();
      waits = waits.filter((w) => w !== wake);
      if (!(yield* apply())) return { stampId, outcome: 'not-found' };
    } else if (due !== undefined) {
      yield* observeSafely(due);
    }
  }
}
