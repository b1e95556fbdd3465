import { retryOnConflict } from '../errors/retryOnConflict';
import { decide } from '../lifecycle/decide';
import type { Decision } from '../lifecycle/decision';
import type { Effect } from '../lifecycle/effects';
import type { StampEvent } from '../lifecycle/events';
import type { GuardView } from '../lifecycle/guardView';
import type { Phase, Traffic } from '../lifecycle/phase';
import type { AuditRecord, Stamp } from '../lifecycle/stamp';
import { type StampTimers, timersOf } from '../lifecycle/timers';
import { INBOX_RECENT_WINDOW, type StampInbox, type TraceRef } from '../ports/stampStore';
import { type DecisionMeasure, measureDecision, recordDecisions } from '../telemetry/decisionMeasures';
import { inSpan } from '../telemetry/spans';
import { contextOf, currentTraceparent, isFresh } from '../telemetry/traceContext';
import { claimGuards, readGuards, syncLedger, withStamp } from './fleet';
import type { Services } from './services';

export interface ApplyRequest {
  readonly stampId: string;
  /**
   * Deterministic per call site in the orchestration; a re-run of the same activity (at least
   * once) with the same key returns the effects already committed instead of losing them.
   */
  readonly key: string;
  /** An event the orchestration observed itself (a deployment result, a timer); applied first. */
  readonly event?: StampEvent;
  /** The trace the orchestration's last decisions joined: a timer's event continues it. */
  readonly trace?: TraceRef;
}

export interface EventOutcome {
  readonly eventId: string;
  readonly type: StampEvent['type'];
  readonly outcome: Decision['outcome'];
  readonly detail: string;
}

export interface ApplyResult {
  readonly found: boolean;
  readonly phase?: Phase;
  readonly traffic?: Traffic;
  readonly effects: readonly Effect[];
  readonly outcomes: readonly EventOutcome[];
  /**
   * The stamp's timer deadlines after the decision. The orchestration keeps exactly these timers,
   * so a timer whose start-timer effect was lost (an execution that failed after the commit, a
   * restarted orchestration) is armed again from the document.
   */
  readonly timers?: StampTimers;
  /** The trace these decisions joined; the orchestration passes it to the activities that carry them out. */
  readonly trace?: TraceRef;
}

/** Events whose guards look at the rest of the fleet. */
const FLEET_EVENTS: ReadonlySet<StampEvent['type']> = new Set([
  'HealthProbeFailed',
  'IsolationDecisionDue',
  'ReplacementActive',
  'IsolateRequested',
  'DrainRequested',
  'RejoinRequested',
  'DrainCancelRequested',
  'CanaryCompared',
]);

function detailOf(decision: Decision): string {
  switch (decision.outcome) {
    case 'transition':
      return `${decision.audit.from ?? '∅'} → ${decision.audit.to}${decision.audit.traffic ? ` (${decision.audit.traffic.from} → ${decision.audit.traffic.to})` : ''}`;
    case 'updated':
      return decision.note;
    case 'refused':
      return `${decision.guard}: ${decision.reason}`;
    case 'ignored':
      return `${decision.reason}: ${decision.detail}`;
  }
}

/**
 * The body of the orchestration's one writing activity: reads the stamp, its inbox and (when a
 * guard needs it) the fleet; decides every pending event in order with the pure core; commits the
 * new state, the audit records and the consumed inbox in one transactional batch; brings the
 * region ledger in line; returns the effects to run. A lost race re-reads and re-decides.
 */
export function applyEvents(svc: Services, request: ApplyRequest): Promise<ApplyResult> {
  const { store, clock } = svc;
  const { stampId, key } = request;
  return retryOnConflict(`apply events to ${stampId}`, async () => {
    const stored = await store.get(stampId);
    if (stored === undefined) return { found: false, effects: [], outcomes: [] };
    const read = await store.readInbox(stampId);
    // The newest external cause (an alert's, an operator's) wins over the orchestration's own.
    const cause =
      read.inbox.lastBatch?.key === key
        ? read.inbox.lastBatch.trace
        : (read.inbox.trace ?? (isFresh(request.trace, clock.now()) ? request.trace : undefined));
    return inSpan(
      'activity applyStampEvents',
      { attributes: { 'stamps.stamp_id': stampId }, parent: contextOf(cause?.traceparent) },
      async () => {
        const trace = cause === undefined ? undefined : traceNow(cause);
        const result = await decideAndCommit(svc, request, stored, read, trace);
        return trace === undefined ? result : { ...result, trace };
      },
    );
  });
}

/** The decision span's own trace context, dated by its cause (the trace ends 30 minutes after it). */
function traceNow(cause: TraceRef): TraceRef {
  const traceparent = currentTraceparent();
  return traceparent === undefined ? cause : { traceparent, at: cause.at };
}

async function decideAndCommit(
  svc: Services,
  request: ApplyRequest,
  stored: NonNullable<Awaited<ReturnType<Services['store']['get']>>>,
  read: Awaited<ReturnType<Services['store']['readInbox']>>,
  trace: TraceRef | undefined,
): Promise<ApplyResult> {
  const { store, config, clock } = svc;
  const { stampId, key } = request;
  const { inbox, etag: inboxEtag } = read;
  if (inbox.lastBatch?.key === key) {
    // The commit landed but the activity did not finish: finish its work, return its effects.
    await syncLedger(store, config.policy, stored.stamp);
    return {
      found: true,
      phase: stored.stamp.phase,
      traffic: stored.stamp.traffic,
      effects: inbox.lastBatch.effects,
      outcomes: [],
      timers: timersOf(stored.stamp.deadlines),
    };
  }
  const events = [...(request.event === undefined ? [] : [request.event]), ...inbox.pending];
  if (events.length === 0) {
    return {
      found: true,
      phase: stored.stamp.phase,
      traffic: stored.stamp.traffic,
      effects: [],
      outcomes: [],
      timers: timersOf(stored.stamp.deadlines),
    };
  }

  const guarded = events.some((e) => FLEET_EVENTS.has(e.type))
    ? await readGuards(store, config.policy, stored.stamp)
    : undefined;
  let fleet: GuardView = guarded?.view ?? { members: [], counts: {} };
  let stamp: Stamp = stored.stamp;
  const audits: AuditRecord[] = [];
  const effects: Effect[] = [];
  const outcomes: EventOutcome[] = [];
  const measures: DecisionMeasure[] = [];
  const recent = [...inbox.recent];
  for (const event of events) {
    if (recent.includes(event.id)) continue;
    recent.push(event.id);
    const decision = decide(stamp, event, config.policy, clock.now().toISOString(), withStamp(fleet, stamp));
    outcomes.push({
      eventId: event.id,
      type: event.type,
      outcome: decision.outcome,
      detail: detailOf(decision),
    });
    measures.push(measureDecision(stamp, event, decision, clock.now()));
    if (decision.outcome === 'ignored') continue;
    stamp = decision.stamp;
    effects.push(...decision.effects);
    if (decision.outcome !== 'updated' && decision.audit !== undefined) audits.push(decision.audit);
    fleet = withStamp(fleet, stamp);
  }

  const consumed: StampInbox = {
    stampId,
    pending: [],
    recent: recent.slice(-INBOX_RECENT_WINDOW),
    lastBatch: { key, effects, ...(trace === undefined ? {} : { trace }) },
  };
  // Claim the new rotation/probe state first, with If-Match on what the guards read: a decision
  // taken meanwhile in the same region, or one that moved the fleet's counts, makes this one
  // re-read and re-decide.
  const now = clock.now().toISOString();
  const giveBack = guarded !== undefined && (await claimGuards(store, guarded, stamp, now));
  await store.commitBatch({
    stamp,
    etag: stored.etag,
    audits,
    inbox: consumed,
    ...(inboxEtag === undefined ? {} : { inboxEtag }),
  });
  // A claimed decision already wrote the ledger and the summary, unless it gives capacity back,
  // which is written only now that it is committed; the others bring them in line now too.
  if (guarded === undefined || giveBack) await syncLedger(store, config.policy, stamp);
  // Counted once the decisions are committed: a decision re-taken after a lost race counts once.
  recordDecisions(measures);
  return {
    found: true,
    phase: stamp.phase,
    traffic: stamp.traffic,
    effects,
    outcomes,
    timers: timersOf(stamp.deadlines),
  };
}
