import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { incidentsView } from '../../shared/app/incidentsView';
import { metricsView } from '../../shared/app/metricsView';
import { incidentsQuery, metricsQuery, parseWith } from '../../shared/app/requests';
import { services } from '../../shared/app/services';
import { readRoute } from '../../shared/http/mutatingRoute';
import { json, problem } from '../../shared/http/problem';

/** `GET /api/incidents`: the incidents raised (blast radius, failed deployments, …), newest first. */
export async function listIncidents(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = parseWith(incidentsQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  return json(200, await incidentsView(await services(), parsed.value));
}

/**
 * `GET /api/metrics`: the seed's monitoring figures (request latency, 5xx share, requests, node
 * pool utilization, queue depth, database RU) per live stamp and per region, over a window.
 */
export async function getMetrics(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = parseWith(metricsQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  const { region, minutes } = parsed.value;
  const svc = await services();
  const regions = svc.config.policy.regions.map((r) => r.name);
  if (region !== undefined && !regions.includes(region))
    return problem(404, `there is no region '${region}'; configured regions are ${regions.join(', ')}`);
  return json(200, await metricsView(svc, { minutes, ...(region === undefined ? {} : { region }) }));
}

export const handlers = {
  listIncidents: readRoute('Stamps.Reader', listIncidents),
  getMetrics: readRoute('Stamps.Reader', getMetrics),
};
