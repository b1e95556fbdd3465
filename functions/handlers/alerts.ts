import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { findDuplicate, takeAlert } from '../../shared/app/alertIntake';
import { previewSignal } from '../../shared/app/dryRun/previewSignal';
import { type Services, services } from '../../shared/app/services';
import { type BodyResult, MAX_ALERT_BODY_BYTES, readJsonBody } from '../../shared/http/body';
import { dryRunOf } from '../../shared/http/dryRun';
import { alertRoute } from '../../shared/http/mutatingRoute';
import { json } from '../../shared/http/problem';
import { classifyAlert } from '../../shared/lifecycle/alerts/classifyAlert';
import { countSignal } from '../../shared/telemetry/instruments';
import { forLog } from '../../shared/text/forLog';

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
  const dry = dryRunOf(request);
  if (!dry.ok) return dry.answer;
  const body = await readJsonBody(request, MAX_ALERT_BODY_BYTES);
  const svc = await services();
  if (dry.dryRun) return previewAlert(svc, body);
  const duplicate = body.ok ? await findDuplicate(svc, body.value) : undefined;
  if (duplicate !== undefined) {
    context.log(`alert duplicate: ${forLog(duplicate.detail)}`);
    countSignal('alert-receiver', duplicate.status);
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
  countSignal('alert-receiver', answer.status);
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

/**
 * `?dryRun=true`: what the alert would do, classified and decided as the receiver and the stamp
 * would, with nothing recorded, published or queued. Always 200, as the receiver always answers 202.
 */
async function previewAlert(svc: Services, body: BodyResult): Promise<HttpResponseInit> {
  if (!body.ok) return json(200, { dryRun: true, status: 'rejected', detail: body.detail });
  const classification = classifyAlert(body.value, svc.clock.now().toISOString());
  if (classification.kind !== 'signal') {
    const status = classification.kind === 'invalid' ? 'rejected' : 'unmatched';
    return json(200, { dryRun: true, status, detail: classification.reason });
  }
  const { signal } = classification;
  const preview = await previewSignal(svc, signal);
  if (preview === undefined)
    return json(200, {
      dryRun: true,
      status: 'unmatched',
      detail: `there is no stamp '${signal.stampId}' in the fleet`,
    });
  // Nothing was published: `would-publish` says what the real call would answer (`published`).
  return json(200, { ...preview, status: 'would-publish', signal });
}

/** The wrapped handlers, by the name of the function that runs them (registered in ../alerts.ts). */
export const handlers = { alerts: alertRoute(receiveAlert) };
