import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { startStamp, wakeStamp } from '../shared/app/orchestration/orchestrationClient';
import { services } from '../shared/app/services';
import { handleStampSignal } from '../shared/app/signals';
import { parseSignalEvent } from '../shared/app/stampSignalEvent';
import { STAMP_EVENT_TYPES } from '../shared/ports/eventPublisher';

/**
 * Stamp signals from Event Grid (CloudEvents 1.0): health signals become events in the stamp's
 * inbox and wake its orchestration; capacity signals scale the region. A signal that fails
 * validation is recorded and acknowledged: Event Grid would only retry it.
 */
export async function onStampSignal(event: unknown, context: InvocationContext): Promise<void> {
  if (isLifecycleNotification(event)) return;
  const svc = await services();
  const parsed = parseSignalEvent(event);
  if (!parsed.ok) {
    const id = typeof event === 'object' && event !== null && 'id' in event ? String(event.id) : 'unknown';
    await svc.store.recordProcessedEvent(`signal-rejected:${id}`.slice(0, 1000), {
      source: 'signal-rejected',
      at: svc.clock.now().toISOString(),
    });
    context.warn(`stamp signal rejected: ${parsed.detail}`);
    return;
  }
  const client = df.getClient(context);
  const outcome = await handleStampSignal(svc, parsed.signal);
  switch (outcome.kind) {
    case 'queued':
      await wakeStamp(client, outcome.stampId);
      break;
    case 'scaled-out':
      await startStamp(client, outcome.stamp.id, outcome.effects);
      break;
    case 'scaled-in':
      await wakeStamp(client, outcome.drained);
      break;
    case 'duplicate':
    case 'unknown-stamp':
    case 'hold':
      break;
  }
  context.log(
    `signal ${parsed.signal.type} ${parsed.signal.eventId} for ${parsed.signal.stampId}: ${outcome.kind}`,
  );
}

/** Our own PhaseChanged / IncidentRaised notifications share the topic; they are not signals. */
function isLifecycleNotification(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || !('type' in event)) return false;
  const type = event.type;
  return type === STAMP_EVENT_TYPES.PhaseChanged || type === STAMP_EVENT_TYPES.IncidentRaised;
}

app.eventGrid('onStampSignal', { extraInputs: [df.input.durableClient()], handler: onStampSignal });
