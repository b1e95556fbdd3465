import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { reconcileFleet } from '../../shared/app/fleetReconciler';
import { parseLifecycleMessage } from '../../shared/app/lifecycleMessage';
import { queueOperatorEvent } from '../../shared/app/operatorCommands';
import { isListening, startStampOnce, wakeStamp } from '../../shared/app/orchestration/orchestrationClient';
import { services } from '../../shared/app/services';
import type { StampEvent } from '../../shared/lifecycle/events';
import { resumeEffects } from '../../shared/lifecycle/newStamp';
import { operatorEvent } from '../../shared/lifecycle/operatorCommands';
import { tracedTrigger } from '../../shared/telemetry/triggerSpans';

/**
 * The `stamp-lifecycle` queue (sessions keyed by stamp id, and one `fleet` session): the drain
 * timer, operator commands, events for another stamp and fleet reconciliation requests. A malformed message is logged and
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
    case 'command': {
      // No caller waits for an answer here, so the command is not checked first, as HTTP's is:
      // the orchestration decides it, and a refusal is written to the stamp's audit trail.
      const { kind: _kind, stampId, commandId, command, ...request } = message;
      const event = operatorEvent(command, { ...request, id: commandId });
      if ((await queueOperatorEvent(svc, stampId, event)) === 'not-found')
        context.warn(`command ${command} ${commandId}: there is no stamp '${stampId}'`);
      else await wakeStamp(client, stampId);
      return;
    }
    case 'stamp-event':
      await svc.store.enqueueEvent(message.stampId, message.event);
      await wakeStamp(client, message.stampId);
      return;
    case 'reconcile-fleet': {
      // Requests pile up behind a run (every transition asks for one); a run that started after
      // a request was made has already seen what the request was about.
      const last = lastRunStartedAt.get(svc);
      if (last !== undefined && message.requestedAt < last) return;
      lastRunStartedAt.set(svc, svc.clock.now().toISOString());
      const run = await reconcileFleet(svc, { requestId: message.requestId, reason: message.reason });
      for (const created of run.placed) {
        if (created.created || created.stamp.phase === 'provisioning')
          await startStampOnce(client, created.stamp.id, created.effects);
        context.log(
          `fleet reconciler: placed ${created.stamp.id} in ${created.stamp.region}: ${created.stamp.cause.reason}`,
        );
      }
      for (const stampId of run.woken) await wakeStamp(client, stampId);
      const started = new Set(run.placed.map((p) => p.stamp.id));
      for (const stampId of run.provisioning) {
        if (started.has(stampId) || (await isListening(client, stampId))) continue;
        const stored = await svc.store.get(stampId);
        if (stored === undefined) continue;
        context.warn(`fleet reconciler: ${stampId} is provisioning without an orchestration; starting it`);
        await startStampOnce(client, stampId, resumeEffects(stored.stamp));
      }
      for (const action of run.plan.actions)
        if (action.kind !== 'place')
          context.log(
            `fleet reconciler: ${action.kind} ${action.kind === 'retire' || action.kind === 'promote' ? action.stampId : action.region}: ${action.reason}`,
          );
      for (const line of run.missed) context.warn(`fleet reconciler: ${line}`);
      return;
    }
  }
}

/**
 * When a reconciliation last started, per service set (one per control plane in this process): an
 * optimisation only, runs are idempotent.
 */
const lastRunStartedAt = new WeakMap<object, string>();

export const handlers = { onLifecycleMessage: tracedTrigger('message', onLifecycleMessage) };
