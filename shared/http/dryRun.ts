import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import type { Preview } from '../app/dryRun/preview';
import { json, problem } from './problem';

export type DryRunQuery =
  { readonly ok: true; readonly dryRun: boolean } | { readonly ok: false; readonly answer: HttpResponseInit };

/** `?dryRun=true` asks what a change would do; `false` or nothing makes it. Anything else is a 400. */
export function dryRunOf(request: HttpRequest): DryRunQuery {
  const value = request.query.get('dryRun');
  if (value === null || value === 'false') return { ok: true, dryRun: false };
  if (value === 'true') return { ok: true, dryRun: true };
  return { ok: false, answer: problem(400, `dryRun must be true or false, got '${value}'`) };
}

/**
 * A dry run's answer: 200 with what would happen where the real call answers 202 (nothing was
 * accepted), and the same 409 as the real call, with the preview, where a guard would refuse.
 */
export function previewAnswer(preview: Preview, extra: Record<string, unknown> = {}): HttpResponseInit {
  if (preview.outcome === 'refused')
    return problem(409, preview.reason ?? 'refused', { ...extra, ...preview, guard: preview.guard });
  return json(200, { ...preview, ...extra });
}
