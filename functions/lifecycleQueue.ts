import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { parseLifecycleMessage } from '../shared/app/lifecycleMessage';
import { startStampOnce, wakeStamp } from '../shared/app/orchestration/orchestrationClient';
import { provideReplacement } from '../shared/app/replacement';
import { services } from '../shared/app/services';
import type { StampEvent } from '../shared/lifecycle/events';
import { LIFECYCLE_QUEUE, type OperatorCommandMessage } from '../shared/ports/lifecycleBus';

function commandEvent(message: OperatorCommandMessage): StampEvent {
  const base = {
    id: message.commandId,
    actor: message.actor,
    reason: message.reason,
    ...(message.override === undefined ? {} : { override: message.override }),
  };
  switch (message.command) {
    case 'drain':
      return {
        type: 'DrainRequested',
        source: 'operator',
        ...base,
        ...(message.drainMinutes === undefined ? {} : { drainMinutes: message.drainMinutes }),
      };
    case 'isolate':
      return { type: 'IsolateRequested', ...base };
    case 'verify':
      return { type: 'QuarantineApproved', ...base };
    case 'cleanup':
      return { type: 'CleanupRequested', ...base };
  }
}

/**
 * The `stamp-lifecycle` queue (sessions keyed by stamp id): the drain timer, operator commands,
 * replacement requests and events for another stamp. A malformed message is logged and
 * completed (it would fail the same way ten times); a failure that may pass is thrown, so the
 * message is redelivered and, after ten deliveries, dead-lettered.
 */
export async function onLifecycleMessage(body: unknown, context: InvocationContext): Promise<void> {
  const parsed = parseLifecycleMessage(body);
  if (!parsed.ok) {
    const messageId = context.triggerMetadata?.['messageId'];
    context.warn(
      `lifecycle message ${typeof messageId === 'string' ? messageId : '?'} rejected: ${parsed.detail}`,
    );
    return;
  }
  const message = parsed.message;
  const svc = await services();
  const client = df.getClient(context);
  switch (message.kind) {
    case 'drain-timer': {
      const event: StampEvent = {
        type: 'DrainTimerFired',
        id: `${message.stampId}:drain-timer:${message.drainId}`,
        drainId: message.drainId,
      };
      await svc.store.enqueueEvent(message.stampId, event);
      await wakeStamp(client, message.stampId);
      return;
    }
    case 'command':
      await svc.store.enqueueEvent(message.stampId, commandEvent(message));
      await wakeStamp(client, message.stampId);
      return;
    case 'stamp-event':
      await svc.store.enqueueEvent(message.stampId, message.event);
      await wakeStamp(client, message.stampId);
      return;
    case 'replacement': {
      const outcome = await provideReplacement(svc, {
        failingStampId: message.stampId,
        region: message.region,
        excludeRegions: message.excludeRegions,
        requestId: message.requestId,
      });
      if (outcome.kind === 'created') {
        if (outcome.created || outcome.stamp.phase === 'provisioning')
          await startStampOnce(client, outcome.stamp.id, outcome.effects);
        context.log(`replacement ${outcome.stamp.id} for ${message.stampId} in ${outcome.stamp.region}`);
      } else {
        context.warn(`no replacement for ${message.stampId}: ${outcome.reason}`);
      }
      return;
    }
  }
}

app.serviceBusQueue('onLifecycleMessage', {
  connection: 'ServiceBusConnection',
  queueName: LIFECYCLE_QUEUE,
  isSessionsEnabled: true,
  extraInputs: [df.input.durableClient()],
  handler: onLifecycleMessage,
});
