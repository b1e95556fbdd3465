import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseWith, signalsQuery } from '../../shared/app/requests';
import { services } from '../../shared/app/services';
import { signalsView } from '../../shared/app/signalsView';
import { readRoute } from '../../shared/http/mutatingRoute';
import { json, problem } from '../../shared/http/problem';

/**
 * What was done with the alerts and signals that arrived: counts by outcome, duplicates, whether
 * a burst of rejections is under way, and the recent ones not accepted with their reasons.
 */
export async function listSignals(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = parseWith(signalsQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  const svc = await services();
  const { outcome, ...rest } = parsed.value;
  return json(200, await signalsView(svc, { ...rest, ...(outcome === undefined ? {} : { outcome }) }));
}

export const handlers = { listSignals: readRoute('Stamps.Reader', listSignals) };
