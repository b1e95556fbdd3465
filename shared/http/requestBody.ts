import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';

import { identityInBody, parseWith } from '../app/requests';
import { readJsonBody } from './body';
import { problem } from './problem';

export type ReadBody<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly answer: HttpResponseInit };

/**
 * The body of a change, read as JSON (size and depth limits), refused when it names who asks
 * (the signed-in principal does), and parsed with its schema; the answer for each failure is a
 * problem that says what to fix.
 */
export async function readChangeBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  what: string,
): Promise<ReadBody<z.infer<S>>> {
  const body = await readJsonBody(request);
  if (!body.ok) return { ok: false, answer: problem(body.status, body.detail) };
  const named = identityInBody(body.value);
  if (named !== undefined) return { ok: false, answer: problem(400, `invalid ${what}: ${named}`) };
  const parsed = parseWith(schema, body.value, what);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, answer: problem(400, parsed.detail) };
}
