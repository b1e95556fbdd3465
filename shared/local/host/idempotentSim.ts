import { answerOnce, type IdempotencyDeps } from '../../app/idempotency/answerOnce';
import { StampsError } from '../../errors';
import { keyedReply, keyedRequest, readIdempotencyKey } from '../../http/idempotencyKey';
import type { SavedAnswer } from '../../ports/idempotencyStore';
import { type HostReply, problemReply } from './hostReply';

export interface KeyedHostRequest {
  readonly method: string;
  readonly url: URL;
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
}

/**
 * `/sim/*` honours `Idempotency-Key` as the API does (shared/http/idempotent.ts), so a rehearsal
 * script that retries a clock jump or a chaos injection does it once.
 */
export async function idempotentHostReply(
  deps: IdempotencyDeps,
  request: KeyedHostRequest,
  run: () => Promise<HostReply>,
): Promise<HostReply> {
  const instance = request.url.pathname;
  const header = readIdempotencyKey(request.header('idempotency-key'));
  // Clearing faults is idempotent by itself, and must work while a fault has the store down.
  if (header.kind === 'absent' || request.method === 'GET' || CLEARS.test(instance)) return run();
  if (header.kind === 'invalid') return problemReply(400, header.detail, { instance });
  try {
    return await keyed(deps, request, header.key, run);
  } catch (error) {
    if (!(error instanceof StampsError && error.retryable)) throw error;
    return problemReply(
      503,
      `the store that keeps Idempotency-Keys is briefly unavailable (${error.code}); nothing was changed: retry in 5 seconds, or send the request without the key`,
      { instance, headers: { 'retry-after': '5' } },
    );
  }
}

const CLEARS = /^\/sim\/chaos\/(?:[^/]+\/)?clear$/;

async function keyed(
  deps: IdempotencyDeps,
  request: KeyedHostRequest,
  key: string,
  run: () => Promise<HostReply>,
): Promise<HostReply> {
  const instance = request.url.pathname;
  const outcome = await answerOnce(
    deps,
    keyedRequest('sim', key, {
      method: request.method,
      path: request.url.pathname,
      query: request.url.searchParams.entries(),
      body: request.body.toString('utf8'),
    }),
    async () => saved(await run()),
  );
  const reply = keyedReply(outcome, key);
  if (reply.kind === 'answer') return reply.answer;
  return problemReply(reply.status, reply.detail, {
    instance,
    ...(reply.retryAfterSeconds === undefined
      ? {}
      : { headers: { 'retry-after': String(reply.retryAfterSeconds) } }),
  });
}

function saved(reply: HostReply): SavedAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers))
    headers[name] = typeof value === 'string' ? value : value.join(', ');
  const body = reply.body === undefined ? undefined : reply.body.toString();
  return { status: reply.status, headers, ...(body === undefined ? {} : { body }) };
}
