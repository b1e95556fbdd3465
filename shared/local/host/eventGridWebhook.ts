import { MAX_JSON_DEPTH } from '../../http/body';
import { jsonDepth } from '../../text/jsonDepth';
import { AEG_EVENT_TYPE, eventSchemaOf, validationCodeOf } from '../eventgrid/schemas';
import type { FunctionRegistry, RegisteredFunction } from './functionRegistry';
import { describeError, type HostLog } from './hostLog';
import { type HostReply, jsonReply, problemReply } from './hostReply';

/** What the webhook needs from a request: it is routed before the body is parsed. */
export interface WebhookRequest {
  readonly method: string;
  readonly url: URL;
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
}

/** Invokes an Event Grid trigger function with one event (the host passes `runtime.invoke`). */
export type EventInvoker = (fn: RegisteredFunction, event: unknown) => Promise<unknown>;

/**
 * The Functions host's Event Grid extension endpoint,
 * `/runtime/webhooks/eventgrid?functionName=X`: the subscription-validation handshake of both
 * schemas (Event Grid schema: `aeg-event-type: SubscriptionValidation` echoed as
 * `{"validationResponse": code}` with 200; CloudEvents: `OPTIONS` with `WebHook-Request-Origin`
 * answered by `WebHook-Allowed-Origin`), and notifications (`aeg-event-type: Notification`):
 * an Event Grid schema array, one CloudEvent or a CloudEvents batch, the function invoked once
 * per event in order. A failing invocation answers 500 so that Event Grid retries.
 * src: docs/azure.md §1, "Validation handshake".
 */
export async function handleEventGridWebhook(
  request: WebhookRequest,
  registry: FunctionRegistry,
  invoke: EventInvoker,
  log: HostLog,
): Promise<HostReply> {
  const instance = `${request.url.pathname}${request.url.search}`;
  const functionName = request.url.searchParams.get('functionName');
  if (functionName === null || functionName.length === 0) {
    return problemReply(400, 'the query parameter functionName is required', { instance });
  }
  const fn = registry.find(functionName);
  if (fn === undefined || fn.kind !== 'eventGrid') {
    return problemReply(404, `no Event Grid trigger function named '${functionName}'`, { instance });
  }

  if (request.method === 'OPTIONS') {
    const origin = request.header('webhook-request-origin');
    if (origin === undefined) {
      return problemReply(400, 'an OPTIONS validation request needs the WebHook-Request-Origin header', {
        instance,
      });
    }
    return { status: 200, headers: { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*' } };
  }
  if (request.method !== 'POST') {
    return problemReply(405, `the Event Grid webhook accepts POST and OPTIONS, not ${request.method}`, {
      instance,
      headers: { allow: 'POST, OPTIONS' },
    });
  }

  const text = request.body.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    return problemReply(400, `the request body nests ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`, {
      instance,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return problemReply(400, 'the request body is not valid JSON', { instance });
  }

  const eventType = request.header('aeg-event-type');
  if (eventType === AEG_EVENT_TYPE.SubscriptionValidation) {
    const code = validationCodeOf(body);
    if (code === undefined) {
      return problemReply(
        400,
        'no Microsoft.EventGrid.SubscriptionValidationEvent with data.validationCode',
        {
          instance,
        },
      );
    }
    log('info', `eventgrid: subscription validated for ${fn.name}`);
    return jsonReply(200, { validationResponse: code });
  }
  if (eventType === AEG_EVENT_TYPE.SubscriptionDeletion) return { status: 202, headers: {} };
  if (eventType !== AEG_EVENT_TYPE.Notification) {
    return problemReply(
      400,
      "the aeg-event-type header must be 'Notification' or 'SubscriptionValidation' (set 'aeg-event-type: Notification' to send events by hand)",
      { instance },
    );
  }

  const events = Array.isArray(body) ? (body as unknown[]) : [body];
  if (events.length === 0) return problemReply(400, 'the request carries no event', { instance });
  for (const [index, event] of events.entries()) {
    const schema = eventSchemaOf(event);
    if ('problem' in schema) return problemReply(400, `event ${index}: ${schema.problem}`, { instance });
  }
  const failures: string[] = [];
  for (const event of events) {
    try {
      await invoke(fn, event);
    } catch (error) {
      failures.push(describeError(error));
      log('error', `eventgrid: ${fn.name} failed on event ${eventIdOf(event)}: ${describeError(error)}`);
    }
  }
  if (failures.length > 0) {
    return problemReply(
      500,
      `${failures.length} of ${events.length} event(s) failed in ${fn.name}: ${failures[0] ?? ''}`,
      {
        instance,
      },
    );
  }
  return { status: 200, headers: {} };
}

function eventIdOf(event: unknown): string {
  const id =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : '?';
}
