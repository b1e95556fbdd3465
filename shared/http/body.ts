import type { HttpRequest } from '@azure/functions';

import { jsonDepth } from '../text/jsonDepth';

/** Request bodies larger than this are refused with 413 before they are parsed (unless a route allows more). */
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Azure Monitor sends common-schema alerts of up to 256 KB (log search results included):
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-payload-samples#sample-log-search-alerts
 */
export const MAX_ALERT_BODY_BYTES = 256 * 1024;
/**
 * JSON nested deeper than this is refused with 400 before it is parsed. Azure Monitor's deepest
 * common-alert-schema sample (log search results) nests 8 levels; our own bodies 3.
 */
export const MAX_JSON_DEPTH = 32;

/** `application/json` or a `+json` type (`application/problem+json`), with parameters. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export type BodyResult =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | {
      readonly ok: false;
      readonly status: 400 | 413 | 415;
      readonly detail: string;
      /** The body's text when it was read (not for 413). */
      readonly text?: string;
    };

/**
 * Reads a JSON body as `unknown`: empty means `{}`; more than 64 KiB is 413;
 * a body that is not JSON, or nested deeper than {@link MAX_JSON_DEPTH}, is 400 with the reason.
 */
export async function readJsonBody(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return tooLarge(declared, maxBytes);
  // text() rather than arrayBuffer(): one copy fewer (the alert receiver's duplicates are hot).
  const raw = await request.text();
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > maxBytes) return tooLarge(size, maxBytes);
  const text = raw.trim();
  if (text === '') return { ok: true, value: {}, text };
  const type = request.headers.get('content-type');
  // The media type itself, not a parameter: `text/plain; x=json` is a form a browser may send
  // cross-site without asking (a CORS "simple" request).
  if (type !== null && type !== '' && !JSON_MEDIA_TYPE.test(type)) {
    return { ok: false, status: 415, detail: `send the body as application/json, not '${type}'`, text };
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    return {
      ok: false,
      status: 400,
      detail: `the body nests ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`,
      text,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch (error) {
    return {
      ok: false,
      status: 400,
      detail: `the body is not valid JSON: ${(error as Error).message}`,
      text,
    };
  }
}

function tooLarge(size: number, limit: number): BodyResult {
  return {
    ok: false,
    status: 413,
    detail: `the body is ${size} bytes; the limit is ${limit} bytes (${limit / 1024} KiB)`,
  };
}
