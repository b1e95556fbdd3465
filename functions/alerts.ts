import { createHash } from 'node:crypto';

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { services } from '../shared/app/services';
import { signalCloudEvent } from '../shared/app/stampSignalEvent';
import { answerErrors } from '../shared/http/answerErrors';
import { readJsonBody } from '../shared/http/body';
import { json, problem } from '../shared/http/problem';
import { classifyAlert } from '../shared/lifecycle/alerts/classifyAlert';

/**
 * The Azure Monitor action-group receiver (common alert schema, Fired and Resolved). Alerts
 * cannot reach Event Grid directly, so this classifies them and publishes a stamp signal.
 * Anything that is not a usable alert is recorded and acknowledged with 202: an error status
 * would only make Azure Monitor retry (408/429/503/504) or drop it.
 */
export async function receiveAlert(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok && body.status === 413) return problem(413, body.detail);
  const svc = await services();
  const now = svc.clock.now().toISOString();
  const classification = body.ok
    ? classifyAlert(body.value, now)
    : { kind: 'invalid' as const, reason: body.detail };

  if (classification.kind === 'signal') {
    await svc.events.publish([signalCloudEvent(classification.signal)]);
    context.log(
      `alert ${classification.signal.eventId} → ${classification.signal.type} for ${classification.signal.stampId}`,
    );
    return json(202, { status: 'published', signal: classification.signal });
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(body.ok ? body.value : body.detail))
    .digest('hex')
    .slice(0, 32);
  const recordId =
    classification.kind === 'unmatched'
      ? `alert-unmatched:${classification.alertId}`
      : `alert-rejected:${fingerprint}`;
  await svc.store.recordProcessedEvent(recordId, { source: `alert-${classification.kind}`, at: now });
  context.warn(`alert ${classification.kind}: ${classification.reason}`);
  return json(202, {
    status: classification.kind === 'unmatched' ? 'unmatched' : 'rejected',
    detail: classification.reason,
  });
}

app.http('alerts', {
  route: 'alerts',
  methods: ['POST'],
  authLevel: 'function',
  handler: answerErrors(receiveAlert),
});
