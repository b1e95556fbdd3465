import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { StampsError } from '../errors';
import { inSpan, SpanKind } from '../telemetry/spans';
import { contextOf } from '../telemetry/traceContext';
import { problem } from './problem';

/** Seconds a client should wait before retrying after a transient failure. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A failure that may pass on retry (Cosmos throttling, a lost If-Match race that kept losing, a
 * dependency timing out) answers 503 with Retry-After, so callers (and Azure Monitor, which
 * retries 503) try again; anything else is a bug and stays a 500. Each request is a SERVER span
 * (shared/telemetry/), continuing the caller's trace.
 */
export function answerErrors(handler: HttpHandler): HttpHandler {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    inSpan(
      `${request.method} ${context.functionName}`,
      {
        kind: SpanKind.SERVER,
        // The caller's trace (a `traceparent` header), else the Functions host's for this invocation.
        parent: contextOf(request.headers.get('traceparent') ?? context.traceContext?.traceParent),
        attributes: { 'http.request.method': request.method, 'url.path': new URL(request.url).pathname },
      },
      async (span) => {
        const answer = await answered(handler, request, context);
        span.setAttribute('http.response.status_code', answer.status ?? 200);
        return answer;
      },
    );
}

async function answered(
  handler: HttpHandler,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    return await handler(request, context);
  } catch (error) {
    if (!(error instanceof StampsError) || !error.retryable) throw error;
    context.warn(`${request.method} ${request.url}: transient failure ${error.code}: ${error.message}`);
    const answer = problem(
      503,
      `a dependency of the control plane is briefly unavailable (${error.code}); nothing was changed, retry in ${RETRY_AFTER_SECONDS} seconds`,
    );
    return {
      ...answer,
      headers: {
        ...(answer.headers as Record<string, string>),
        'retry-after': String(RETRY_AFTER_SECONDS),
      },
    };
  }
}
