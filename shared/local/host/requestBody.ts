import type { IncomingMessage } from 'node:http';

/**
 * The body of a request, or the fact that it was larger than allowed. `unread` says the body was
 * refused on its declared `content-length` alone: the reply must close the connection, since the
 * body's bytes were never taken off it.
 */
export type BodyResult =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'tooLarge'; readonly limit: number; readonly unread: boolean };

/**
 * Past this many bytes the rest of an oversized streamed body is not even drained: the
 * connection is closed instead, so a client cannot make the host read gigabytes to be told 413.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared `content-length` over the limit is
 * refused without reading a byte of the body; a longer streamed (chunked) body is drained up to
 * a cap and refused, so the client still receives the 413 instead of a reset connection.
 */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { kind: 'tooLarge', limit, unread: true };
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) tooLarge = true;
    if (size > DRAIN_LIMIT_BYTES) {
      request.destroy();
      break;
    }
    if (!tooLarge) chunks.push(buffer);
  }
  return tooLarge ? { kind: 'tooLarge', limit, unread: false } : { kind: 'ok', bytes: Buffer.concat(chunks) };
}

/** Headers of a 413 for `body`: an unread body means this connection cannot carry another request. */
export function tooLargeHeaders(body: Extract<BodyResult, { kind: 'tooLarge' }>): Record<string, string> {
  return body.unread ? { connection: 'close' } : {};
}
