import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { notAccepted } from '../../shared/app/alertIntake';
import { wakeStamp } from '../../shared/app/orchestration/orchestrationClient';
import { services } from '../../shared/app/services';
import { handleStampSignal } from '../../shared/app/signals';
import { parseSignalEvent } from '../../shared/app/stampSignalEvent';
import { STAMP_EVENT_TYPES } from '../../shared/ports/eventPublisher';
import { countSignal } from '../../shared/telemetry/instruments';
import { inSpan, SpanKind } from '../../shared/telemetry/spans';
import { contextOf } from '../../shared/telemetry/traceContext';
import { forLog } from '../../shared/text/forLog';

/**
 * Stamp signals from Event Grid (CloudEvents 1.0): health signals become events in the stamp's
 * inbox and wake its orchestration; capacity signals scale the region. A signal that fails
 * validation is recorded and acknowledged: Event Grid would only retry it.
 */
export function onStampSignal(event: unknown, context: InvocationContext): Promise<void> {
  if (isLifecycleNotification(event)) return Promise.resolve();
  // The publisher's trace, from the CloudEvents distributed-tracing extension attribute.
  const traceparent =
    typeof event === 'object' &&
    event !== null &&
    'traceparent' in event &&
    typeof event.traceparent === 'string'
      ? event.traceparent
      : undefined;
  return inSpan(
    'process stamp signal',
    {
      kind: SpanKind.CONSUMER,
      parent: contextOf(traceparent ?? context.traceContext?.traceParent),
      attributes: { 'messaging.system': 'eventgrid' },
    },
    () => processSignal(event, context),
  );
}

async function processSignal(event: unknown, context: InvocationContext): Promise<void> {
  const svc = await services();
  const now = svc.clock.now().toISOString();
  const parsed = parseSignalEvent(event);
  if (!parsed.ok) {
    const id = typeof event === 'object' && event !== null && 'id' in event ? String(event.id) : 'unknown';
    await notAccepted(
      svc,
      {
        id: `signal:${id}`.slice(0, 1000),
        outcome: 'rejected',
        receivedAt: now,
        via: 'event-grid',
        reason: parsed.detail,
        sample: forLog(safeText(event), 1024),
      },
      now,
    );
    context.warn(`stamp signal rejected: ${forLog(parsed.detail)}`);
    countSignal('event-grid', 'rejected');
    return;
  }
  const client = df.getClient(context);
  const outcome = await handleStampSignal(svc, parsed.signal);
  countSignal('event-grid', outcome.kind);
  switch (outcome.kind) {
    case 'queued':
      await wakeStamp(client, outcome.stampId);
      break;
    case 'desired-changed':
      context.log(`desired of ${outcome.region} set to ${outcome.desired}; the fleet reconciler follows`);
      break;
    case 'duplicate':
      svc.signalCounts.add('duplicate');
      break;
    case 'unknown-stamp':
      await notAccepted(
        svc,
        {
          id: `signal:${parsed.signal.eventId}`,
          outcome: 'unmatched',
          receivedAt: now,
          via: 'event-grid',
          reason: `signal ${parsed.signal.type} names stamp ${parsed.signal.stampId}, which this control plane does not have`,
          stampId: parsed.signal.stampId,
          alertId: parsed.signal.alertId,
          alertRule: parsed.signal.alertRule,
          signalType: parsed.signal.type,
        },
        now,
      );
      break;
    case 'episode-ended':
    case 'no-episode':
      context.log(forLog(outcome.detail));
      break;
    case 'hold':
      break;
  }
  context.log(
    `signal ${parsed.signal.type} ${forLog(parsed.signal.eventId)} for ${parsed.signal.stampId}: ${outcome.kind}`,
  );
}

/** An event as text for the signal log; an event that cannot be serialised is described instead. */
function safeText(event: unknown): string {
  try {
    return JSON.stringify(event) ?? String(event);
  } catch {
    return `(an event that cannot be serialised: ${typeof event})`;
  }
}

/** Our own PhaseChanged / IncidentRaised notifications share the topic; they are not signals. */
function isLifecycleNotification(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || !('type' in event)) return false;
  const type = event.type;
  return type === STAMP_EVENT_TYPES.PhaseChanged || type === STAMP_EVENT_TYPES.IncidentRaised;
}

export const handlers = { onStampSignal };
