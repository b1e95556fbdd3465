import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';

import { requestReconciliation } from '../../shared/app/fleetReconciler';
import { wakeStamp } from '../../shared/app/orchestration/orchestrationClient';
import { services } from '../../shared/app/services';
import { continueCapacityEpisodes } from '../../shared/app/signals';
import { reconcile, sweepRetention } from '../../shared/app/sweeps';
import { resumeEffects } from '../../shared/lifecycle/newStamp';
import { STAMP_EVENT_TYPES, stampCloudEvent } from '../../shared/ports/eventPublisher';
import { tracedTrigger } from '../../shared/telemetry/triggerSpans';

/** Hourly: archived stamps past their retention get a RetentionElapsed event. */
export async function retentionSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const svc = await services();
  const due = await sweepRetention(svc);
  const client = df.getClient(context);
  for (const stampId of due) await wakeStamp(client, stampId);
  if (due.length > 0) context.log(`retention sweep: ${due.join(', ')} due for purge`);
}

/**
 * Every 5 minutes: stuck stamps are reported as incidents, drifted Front Door origins repaired
 * (and reported), ledgers corrected, every live stamp's orchestration made to look at its inbox
 * (restarted if it stopped), and the fleet reconciler asked to run.
 */
export async function reconciliationSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const svc = await services();
  const report = await reconcile(svc);
  const client = df.getClient(context);
  const now = svc.clock.now().toISOString();
  for (const stamp of report.live) {
    if ((await wakeStamp(client, stamp.id, resumeEffects(stamp))) === 'started') {
      context.warn(`reconciliation: the orchestration of ${stamp.id} was not running; restarted`);
    }
  }
  if (report.stuck.length > 0) {
    await svc.events.publish(
      report.stuck.map((stuck) =>
        stampCloudEvent(
          STAMP_EVENT_TYPES.IncidentRaised,
          `stuck:${stuck.stampId}:${stuck.since}`,
          stuck.stampId,
          now,
          {
            stampId: stuck.stampId,
            incident: 'stuck',
            detail: stuck.detail,
          },
        ),
      ),
    );
  }
  if (report.repairedOrigins.length > 0) {
    await svc.events.publish(
      report.repairedOrigins.map((repaired) =>
        stampCloudEvent(
          STAMP_EVENT_TYPES.IncidentRaised,
          `origin-drift:${repaired.stampId}:${now}`,
          repaired.stampId,
          now,
          { stampId: repaired.stampId, incident: 'origin-drift', detail: repaired.detail },
        ),
      ),
    );
  }
  for (const repaired of report.repairedOrigins)
    context.warn(`reconciliation: ${repaired.stampId}: ${repaired.detail}`);
  for (const outcome of await continueCapacityEpisodes(svc))
    if (outcome.kind === 'desired-changed')
      context.log(
        `capacity alert still fired on ${outcome.stampId}: desired of ${outcome.region} set to ${outcome.desired}`,
      );
  // The fleet reconciler runs after every change of the fleet's shape; this is its backstop.
  await requestReconciliation(svc, `timer:${now}`, 'reconciliation sweep');
  for (const stampId of report.missingOrigins)
    context.warn(`reconciliation: active stamp ${stampId} has no Front Door origin`);
}

export const handlers = {
  retentionSweep: tracedTrigger('timer', retentionSweep),
  reconciliationSweep: tracedTrigger('timer', reconciliationSweep),
};
