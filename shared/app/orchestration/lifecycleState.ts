import { z } from 'zod';

import { ValidationError } from '../../errors';
import type { Effect } from '../../lifecycle/effects';
import { effectSchema } from '../../lifecycle/effectSchema';
import type { Phase } from '../../lifecycle/phase';
import {
  LIFECYCLE_TIMER_NAMES,
  type LifecycleTimer,
  type StampTimers,
  timerPhase,
} from '../../lifecycle/timers';
import type { TraceRef } from '../../ports/stampStore';
import { traceRefSchema } from '../../telemetry/traceContext';

/**
 * What the stamp orchestration waits for besides wake-ups: its own durable timers and the polls
 * of long operations. Kept in the orchestration's input across
 * continue-as-new, so nothing a stamp waits for is forgotten.
 */
const instant = z.iso.datetime({ offset: true });
export const watchSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('deployment'),
    at: instant,
    deploymentName: z.string(),
    region: z.string(),
    generation: z.number().int(),
    attempt: z.number().int(),
  }),
  z.object({ kind: z.literal('origin-health'), at: instant, hostName: z.string() }),
  z.object({
    kind: z.literal('timer'),
    at: instant,
    timer: z.enum(LIFECYCLE_TIMER_NAMES),
  }),
  z.object({ kind: z.literal('in-flight'), at: instant, drainId: z.string() }),
  /** `runId` names the run that `startQuarantineChecks` started (absent in watches from before it). */
  z.object({ kind: z.literal('quarantine-checks'), at: instant, runId: z.string().optional() }),
  z.object({ kind: z.literal('workload-deletion'), at: instant }),
  z.object({ kind: z.literal('resource-group-deletion'), at: instant, resourceGroup: z.string() }),
]);
export type Watch = z.infer<typeof watchSchema>;

export const lifecycleInputSchema = z.object({
  stampId: z.string().min(1),
  /** Effects still to run (a new stamp's birth, or what an earlier execution left). */
  effects: z.array(effectSchema).default([]),
  watches: z.array(watchSchema).default([]),
  /** drainId → Service Bus sequence number of its scheduled drain timer, to cancel it. */
  drainTimers: z.record(z.string(), z.string()).default({}),
  /** How many executions came before this one (continue-as-new); absent in older inputs. */
  execution: z.number().int().min(0).default(0),
  /** The trace the last decisions joined, carried into the next execution. */
  trace: traceRefSchema.optional(),
});
export interface LifecycleInput {
  readonly stampId: string;
  readonly effects: readonly Effect[];
  readonly watches: readonly Watch[];
  readonly drainTimers: Readonly<Record<string, string>>;
  readonly execution?: number;
  readonly trace?: TraceRef;
}

export function parseLifecycleInput(input: unknown): LifecycleInput {
  const parsed = lifecycleInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ValidationError(
    `invalid stamp orchestration input at '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}`,
    'input',
  );
}

/** The watches that poll a long operation (every kind but the durable timers). */
export type PollWatch = Exclude<Watch, { kind: 'timer' }>;

/** How often each long operation is polled, in seconds of (simulated or real) time. */
export const POLL_SECONDS: Record<PollWatch['kind'], number> = {
  deployment: 60,
  'origin-health': 30,
  'in-flight': 60,
  'quarantine-checks': 60,
  'workload-deletion': 60,
  'resource-group-deletion': 60,
};

/** The phases in which a watch still means something; leaving them drops it. */
const WATCH_PHASES: Record<Watch['kind'], readonly Phase[]> = {
  deployment: ['provisioning'],
  'origin-health': ['registering'],
  timer: [...new Set(LIFECYCLE_TIMER_NAMES.map(timerPhase))],
  'in-flight': ['draining'],
  'quarantine-checks': ['quarantined'],
  'workload-deletion': ['decommissioning'],
  'resource-group-deletion': ['purged'],
};

export function watchesFor(watches: readonly Watch[], phase: Phase): Watch[] {
  return watches.filter(
    (watch) =>
      WATCH_PHASES[watch.kind].includes(phase) &&
      (watch.kind !== 'timer' || timerPhase(watch.timer) === phase),
  );
}

/** The watch due first (ties: the order they were added). */
export function nextWatch(watches: readonly Watch[]): Watch | undefined {
  let first: Watch | undefined;
  for (const watch of watches)
    if (first === undefined || Date.parse(watch.at) < Date.parse(first.at)) first = watch;
  return first;
}

export function withoutWatch(watches: readonly Watch[], done: Watch): Watch[] {
  const index = watches.indexOf(done);
  return index < 0 ? [...watches] : [...watches.slice(0, index), ...watches.slice(index + 1)];
}

export function plusSeconds(at: Date, seconds: number): string {
  return new Date(at.getTime() + seconds * 1000).toISOString();
}

export type { Effect };

/**
 * `watches` with the timer watches of the stamp's deadlines added where missing: only timers of
 * `phase`, and only ones not already consumed in this execution (`fired`), so a deadline left in
 * the document can never make a timer fire again and again.
 */
export function withTimers(
  watches: readonly Watch[],
  timers: StampTimers,
  phase: Phase,
  fired: ReadonlySet<string>,
): Watch[] {
  const armed: Watch[] = [...watches];
  for (const timer of LIFECYCLE_TIMER_NAMES) {
    const at = timers[timer];
    if (at === undefined || timerPhase(timer) !== phase || fired.has(timerKey(timer, at))) continue;
    if (armed.some((w) => w.kind === 'timer' && w.timer === timer)) continue;
    armed.push({ kind: 'timer', timer, at });
  }
  return armed;
}

/** Identifies one firing of one timer. */
export function timerKey(timer: LifecycleTimer, at: string): string {
  return `${timer}@${at}`;
}
