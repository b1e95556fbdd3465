import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

import { findDuplicate, takeAlert } from '../shared/app/alertIntake';
import { services } from '../shared/app/services';
import { MAX_ALERT_BODY_BYTES, readJsonBody } from '../shared/http/body';
import { alertRoute } from '../shared/http/mutatingRoute';
import { json } from '../shared/http/problem';
import { classifyAlert } from '../shared/lifecycle/alerts/classifyAlert';
import { forLog } from '../shared/text/forLog';

/**
 * The Azure Monitor action-group receiver (common alert schema, Fired and Resolved). Alerts
 * cannot reach Event Grid directly, so this classifies them and publishes a stamp signal.
 * Every answer is 202 with what was done (`published`, `accepted`, `duplicate`, `unmatched`,
 * `rejected`):
 * an error status would only make Azure Monitor retry (408/429/503/504) or drop the alert, and
 * what was not accepted is kept in the signal log (`GET /api/signals`) instead.
 */
export async function receiveAlert(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, MAX_ALERT_BODY_BYTES);
  const svc = await services();
  const duplicate = body.ok ? await findDuplicate(svc, body.value) : undefined;
  if (duplicate !== undefined) {
    context.log(`alert duplicate: ${forLog(duplicate.detail)}`);
    return json(202, { status: duplicate.status, detail: duplicate.detail });
  }
  const classification = body.ok
    ? classifyAlert(body.value, svc.clock.now().toISOString())
    : { kind: 'invalid' as const, reason: body.detail };
  const answer = await takeAlert(svc, {
    classification,
    text: body.ok ? body.text : (body.text ?? body.detail),
    duplicateChecked: body.ok,
  });
  if (answer.status === 'published') {
    const { signal } = answer;
    context.log(`alert ${forLog(signal.eventId)} → ${signal.type} for ${signal.stampId}`);
    return json(202, { status: answer.status, signal });
  }
  if ((answer.status === 'rejected' || answer.status === 'unmatched') && answer.incident !== undefined)
    context.error(`incident raised: ${forLog(answer.incident)}`);
  const message = `alert ${answer.status}: ${forLog(answer.detail)}`;
  if (answer.status === 'duplicate') context.log(message);
  else context.warn(message);
  return json(202, { status: answer.status, detail: answer.detail });
}

app.http('alerts', {
  route: 'alerts',
  methods: ['POST'],
  // Anonymous to the host: the action group's token or the receiver's key is checked in `alertRoute`.
  authLevel: 'anonymous',
  handler: alertRoute(receiveAlert),
});
