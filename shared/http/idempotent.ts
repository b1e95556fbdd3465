import type { HttpHandler, HttpResponseInit } from '@azure/functions';

import { answerOnce, type IdempotencyDeps } from '../app/idempotency/answerOnce';
import type { SavedAnswer } from '../ports/idempotencyStore';
import { MAX_ALERT_BODY_BYTES } from './body';
import { keyedReply, keyedRequest, readIdempotencyKey } from './idempotencyKey';
import { problem } from './problem';

/**
 * Makes a mutating route honour `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header):
 * the same key and request replay the first answer without doing the work again, the same key
 * with another request is a 422, a retry while the first is still running a 409. Without the
 * header the route runs as before. Wrap it inside `answerErrors`, so that a transient failure
 * (503) releases the key instead of being replayed.
 */
/**
 * `caller` is whose keys these are, as the route established it (the signed-in principal's object
 * id, or the alert key's hash): two callers choosing the same key never see each other's answers.
 */
export function idempotent(
  handler: HttpHandler,
  deps: () => Promise<IdempotencyDeps>,
  caller: string,
): HttpHandler {
  return async (request, context) => {
    const header = readIdempotencyKey(request.headers.get('idempotency-key'));
    if (header.kind === 'absent') return handler(request, context);
    if (header.kind === 'invalid') return problem(400, header.detail);
    // Bodies over every route's limit are refused by the route itself (413); nothing to remember.
    if (Number(request.headers.get('content-length') ?? '0') > MAX_ALERT_BODY_BYTES)
      return handler(request, context);
    const url = new URL(request.url);
    const body = await request.clone().text();
    const outcome = await answerOnce(
      await deps(),
      keyedRequest(caller, header.key, {
        method: request.method,
        path: url.pathname,
        query: [...request.query.entries()],
        body,
      }),
      async () => savedAnswer(await handler(request, context)),
    );
    if (outcome.kind === 'answered' && outcome.unsaved !== undefined)
      context.warn(
        `${request.method} ${url.pathname}: answered, but the answer to Idempotency-Key '${header.key}' could not be kept (${outcome.unsaved}); a retry with it would run again`,
      );
    const reply = keyedReply(outcome, header.key);
    if (reply.kind === 'answer') return reply.answer;
    const refused = problem(reply.status, reply.detail);
    return reply.retryAfterSeconds === undefined ? refused : withRetryAfter(refused, reply.retryAfterSeconds);
  };
}

function withRetryAfter(answer: HttpResponseInit, seconds: number): HttpResponseInit {
  return {
    ...answer,
    headers: { ...(answer.headers as Record<string, string>), 'retry-after': String(seconds) },
  };
}

/** Our handlers answer with a string body and a plain header record (`json`, `problem`). */
function savedAnswer(response: HttpResponseInit): SavedAnswer {
  const headers: Record<string, string> = {};
  new Headers(response.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body =
    typeof response.body === 'string'
      ? response.body
      : response.jsonBody !== undefined
        ? JSON.stringify(response.jsonBody)
        : undefined;
  if (response.body !== undefined && response.body !== null && typeof response.body !== 'string')
    throw new TypeError('an idempotent route must answer with a string body');
  if (response.jsonBody !== undefined && headers['content-type'] === undefined)
    headers['content-type'] = 'application/json';
  return { status: response.status ?? 200, headers, ...(body === undefined ? {} : { body }) };
}
