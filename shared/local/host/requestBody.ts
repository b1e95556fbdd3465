import type { IncomingMessage } from 'node:http';

/** The body of a request, or the fact that it was larger than allowed. */
export type BodyResult =
  { readonly kind: 'ok'; readonly bytes: Buffer } | { readonly kind: 'tooLarge'; readonly limit: number };

/**
 * Past this many bytes the rest of an oversized body is not even drained: the connection is
 * closed instead, so a client cannot make the host read gigabytes to be told 413.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared `content-length` over the limit is
 * refused without reading; a longer streamed body is drained (up to a cap) and refused, so
 * the client still receives the 413 instead of a reset connection.
 */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number.isFinite(declared) && declared > limit;
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
  return tooLarge ? { kind: 'tooLarge', limit } : { kind: 'ok', bytes: Buffer.concat(chunks) };
}
