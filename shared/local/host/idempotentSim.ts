import { answerOnce, type IdempotencyDeps } from '../../app/idempotency/answerOnce';
import {
  keyInFlightDetail,
  keyReusedDetail,
  readIdempotencyKey,
  REPLAYED_HEADER,
  requestFingerprint,
  scopedKey,
} from '../../http/idempotencyKey';
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
  if (header.kind === 'absent' || request.method === 'GET') return run();
  if (header.kind === 'invalid') return problemReply(400, header.detail, { instance });
  const outcome = await answerOnce(
    deps,
    {
      key: scopedKey('', header.key),
      fingerprint: requestFingerprint({
        method: request.method,
        path: request.url.pathname,
        query: request.url.searchParams.entries(),
        body: request.body.toString('utf8'),
      }),
    },
    async () => saved(await run()),
  );
  switch (outcome.kind) {
    case 'answered':
      return outcome.answer;
    case 'replayed':
      return { ...outcome.answer, headers: { ...outcome.answer.headers, [REPLAYED_HEADER]: 'true' } };
    case 'mismatch':
      return problemReply(422, keyReusedDetail(header.key), { instance });
    case 'in-flight':
      return problemReply(409, keyInFlightDetail(header.key, outcome.retryAfterSeconds), {
        instance,
        headers: { 'retry-after': String(outcome.retryAfterSeconds) },
      });
  }
}

function saved(reply: HostReply): SavedAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers))
    headers[name] = typeof value === 'string' ? value : value.join(', ');
  const body = reply.body === undefined ? undefined : reply.body.toString();
  return { status: reply.status, headers, ...(body === undefined ? {} : { body }) };
}
