import { createHash } from 'node:crypto';

import {
  type AlertClassification,
  peekAlertEventId,
  type StampSignal,
} from '../lifecycle/alerts/classifyAlert';
import { ALERT_MEMORY_HOURS, alertMemoryStart } from '../lifecycle/decide/healthAlerts';
import { addMinutes, isBefore } from '../lifecycle/time';
import { STAMP_EVENT_SOURCE, STAMP_EVENT_TYPES, type StampCloudEvent } from '../ports/eventPublisher';
import type { SignalRecord } from '../ports/signalLog';
import { forLog } from '../text/forLog';
import type { Services } from './serviceTypes';
import { signalCloudEvent } from './stampSignalEvent';

/** What the receiver answers (always with 202: Azure Monitor would only retry anything else). */
export type AlertAnswer =
  | { readonly status: 'published'; readonly signal: StampSignal }
  | { readonly status: 'duplicate'; readonly detail: string }
  | { readonly status: 'unmatched'; readonly detail: string; readonly incident?: string }
  | { readonly status: 'rejected'; readonly detail: string; readonly incident?: string };

/** A body the receiver could not read at all: its text (possibly cut) and why. */
export interface UnreadableBody {
  readonly text: string;
  readonly detail: string;
}

/** So many alerts not accepted within the window raise one incident (per window). */
export const REJECTION_BURST = { count: 20, windowMinutes: 5 } as const;
/** How much of a rejected body is kept for inspection. */
const SAMPLE_CHARS = 1024;

/**
 * Takes one alert at the edge. A duplicate (its `{alertId}:{condition}` seen before) costs one
 * point read of the signal log and nothing else. A new signal for a known stamp is published,
 * then recorded (a crash between the two re-publishes on Azure Monitor's retry, and the stamp's
 * inbox drops the copy). Anything not accepted is recorded with its reason and counted, and a
 * burst of those raises an incident.
 */
export async function takeAlert(
  svc: Services,
  input: {
    readonly classification: AlertClassification;
    readonly text: string;
    /** The signal log was already read for this alert's id (see {@link findDuplicate}). */
    readonly duplicateChecked?: boolean;
  },
): Promise<AlertAnswer> {
  const { classification } = input;
  const now = svc.clock.now().toISOString();
  if (classification.kind === 'signal')
    return takeSignal(svc, classification.signal, now, input.duplicateChecked ?? false);

  const record: SignalRecord =
    classification.kind === 'unmatched'
      ? {
          id: `alert:${classification.eventId}:unmatched`,
          outcome: 'unmatched',
          receivedAt: now,
          via: 'alert-receiver',
          reason: classification.reason,
          alertId: classification.alertId,
          alertRule: classification.alertRule,
          ...(classification.stampId === undefined ? {} : { stampId: classification.stampId }),
        }
      : {
          // Per arrival: nothing retries a 202, so the same bad body sent again is sent again,
          // and counts towards a burst.
          id: `alert-rejected:${createHash('sha256').update(input.text).digest('hex').slice(0, 40)}:${now}`,
          outcome: 'rejected',
          receivedAt: now,
          via: 'alert-receiver',
          reason: classification.reason,
          sample: forLog(input.text, SAMPLE_CHARS),
        };
  return notAccepted(svc, record, now);
}

/**
 * The hot path of a duplicate: one point read of the signal log under the alert's event id, found
 * from the payload without classifying it. Only an accepted record is there under that id (a
 * record of another outcome is kept under its own), so nobody who knows an alert id can pre-empt
 * the genuine alert with a bad copy.
 */
export async function findDuplicate(
  svc: Services,
  payload: unknown,
): Promise<Extract<AlertAnswer, { status: 'duplicate' }> | undefined> {
  const eventId = peekAlertEventId(payload);
  if (eventId === undefined) return undefined;
  if ((await svc.signals.find(`alert:${eventId}`)) === undefined) return undefined;
  svc.signalCounts.add('duplicate');
  return { status: 'duplicate', detail: `alert ${eventId} was already received` };
}

async function takeSignal(
  svc: Services,
  signal: StampSignal,
  now: string,
  duplicateChecked: boolean,
): Promise<AlertAnswer> {
  const id = `alert:${signal.eventId}`;
  if (!duplicateChecked && (await svc.signals.find(id)) !== undefined) {
    svc.signalCounts.add('duplicate');
    return { status: 'duplicate', detail: `alert ${signal.eventId} was already received` };
  }
  if (isBefore(signal.observedAt, alertMemoryStart(now))) {
    // The stamp would ignore it (its alert memory is shorter): say so here, not after a 202.
    return notAccepted(
      svc,
      {
        id: `${id}:too-old`,
        outcome: 'unmatched',
        receivedAt: now,
        via: 'alert-receiver',
        reason: `alert '${signal.alertRule}' on ${signal.stampId} is dated ${signal.observedAt}, older than the ${ALERT_MEMORY_HOURS} h alert memory, so it changes nothing; check the sender's clock or send a current alert`,
        stampId: signal.stampId,
        alertId: signal.alertId,
        alertRule: signal.alertRule,
        signalType: signal.type,
      },
      now,
    );
  }
  if ((await svc.store.get(signal.stampId)) === undefined) {
    return notAccepted(
      svc,
      {
        id: `${id}:unknown-stamp:${signal.stampId}`,
        outcome: 'unmatched',
        receivedAt: now,
        via: 'alert-receiver',
        reason: `alert '${signal.alertRule}' names stamp ${signal.stampId}, which this control plane does not have`,
        stampId: signal.stampId,
        alertId: signal.alertId,
        alertRule: signal.alertRule,
        signalType: signal.type,
      },
      now,
    );
  }
  await svc.events.publish([signalCloudEvent(signal)]);
  await svc.signals.record({
    id,
    outcome: 'accepted',
    receivedAt: now,
    via: 'alert-receiver',
    stampId: signal.stampId,
    alertId: signal.alertId,
    alertRule: signal.alertRule,
    signalType: signal.type,
  });
  svc.signalCounts.add('accepted');
  return { status: 'published', signal };
}

/** Records a signal that was not accepted; the first of its id counts, a repeat is a duplicate. */
export async function notAccepted(svc: Services, record: SignalRecord, now: string): Promise<AlertAnswer> {
  const detail = record.reason ?? record.outcome;
  if (!(await svc.signals.record(record))) {
    svc.signalCounts.add('duplicate');
    return { status: 'duplicate', detail: `already received and ${record.outcome}: ${detail}` };
  }
  svc.signalCounts.add(record.outcome);
  let incident: string | undefined;
  try {
    incident = await raiseBurstIncident(svc, now);
  } catch {
    // Best effort: the record is kept, and the next alert not accepted checks the burst again.
  }
  const status = record.outcome === 'unmatched' ? 'unmatched' : 'rejected';
  return incident === undefined ? { status, detail } : { status, detail, incident };
}

/**
 * Many alerts not accepted in a few minutes mean a broken alert rule, a changed schema or someone
 * probing the receiver: an operator must hear of it, once per window.
 */
async function raiseBurstIncident(svc: Services, now: string): Promise<string | undefined> {
  const windowMs = REJECTION_BURST.windowMinutes * 60_000;
  const windowStart = new Date(Math.floor(Date.parse(now) / windowMs) * windowMs).toISOString();
  const incidentId = `incident:signals-not-accepted:${windowStart}`;
  // Raised already in this window: one point read, no counting.
  if (await svc.store.isEventProcessed(incidentId)) return undefined;
  const since = addMinutes(now, -REJECTION_BURST.windowMinutes);
  const [rejected, unmatched] = await Promise.all([
    svc.signals.count('rejected', since),
    svc.signals.count('unmatched', since),
  ]);
  if (rejected + unmatched < REJECTION_BURST.count) return undefined;
  const detail = `${rejected} rejected and ${unmatched} unmatched alerts in the last ${REJECTION_BURST.windowMinutes} minutes; see GET /api/signals`;
  // Published first (its id is the window's, so a second publish is the same event), then marked.
  await svc.events.publish([signalBurstIncident(incidentId, now, detail, { rejected, unmatched })]);
  await svc.store.recordProcessedEvent(incidentId, { source: 'signal-burst', at: now });
  return detail;
}

function signalBurstIncident(
  id: string,
  now: string,
  detail: string,
  counts: { rejected: number; unmatched: number },
): StampCloudEvent {
  return {
    specversion: '1.0',
    id,
    source: STAMP_EVENT_SOURCE,
    type: STAMP_EVENT_TYPES.IncidentRaised,
    subject: 'signals',
    time: now,
    datacontenttype: 'application/json',
    data: { incident: 'signals-not-accepted', detail, ...counts },
  };
}
