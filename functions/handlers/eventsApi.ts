import { setTimeout as sleep } from 'node:timers/promises';

import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { fleetSignature } from '../../shared/app/fleetSignature';
import { eventsQuery, parseWith } from '../../shared/app/requests';
import { services } from '../../shared/app/services';
import { readRoute } from '../../shared/http/mutatingRoute';
import { problem } from '../../shared/http/problem';

/** Milliseconds the browser waits before it asks again (the SSE `retry` field). */
const RETRY_MS = 1000;
const CHECK_EVERY_MS = 1000;

/**
 * Live updates for the dashboard as server-sent events (text/event-stream, read with the
 * browser's EventSource): one `fleet` event whose id is the fleet's fingerprint
 * (shared/app/fleetSignature.ts) as soon as it differs from the `Last-Event-ID` the browser sends
 * back, else a comment after `wait` seconds. Each answer ends its response and the browser
 * reconnects after `retry`: the function answers a whole body instead of holding a stream open,
 * because a streamed response needs the worker's HTTP streaming mode
 * (https://learn.microsoft.com/azure/azure-functions/functions-reference-node#http-streams) for
 * every route, and the local host buffers answers. A change is seen within about a second.
 */
export async function fleetEvents(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = parseWith(eventsQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  const last = request.headers.get('last-event-id') ?? parsed.value.lastEventId;
  const svc = await services();
  const deadline = Date.now() + parsed.value.wait * 1000;
  let signature = await fleetSignature(svc);
  while (signature === last && Date.now() < deadline) {
    await sleep(Math.min(CHECK_EVERY_MS, Math.max(0, deadline - Date.now())));
    signature = await fleetSignature(svc);
  }
  const body =
    signature === last
      ? `retry: ${RETRY_MS}\n: no change\n\n`
      : `retry: ${RETRY_MS}\nid: ${signature}\nevent: fleet\ndata: ${JSON.stringify({ signature, at: svc.clock.now().toISOString() })}\n\n`;
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' },
    body,
  };
}

export const handlers = { fleetEvents: readRoute('Stamps.Reader', fleetEvents) };
