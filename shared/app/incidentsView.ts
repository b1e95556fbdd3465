import { addMinutes } from '../lifecycle/time';
import type { IncidentRecord } from '../ports/incidentLog';
import type { Services } from './serviceTypes';

export interface IncidentsView {
  readonly since: string;
  readonly incidents: readonly IncidentRecord[];
}

/** What `GET /api/incidents` answers: the incidents raised in the window, newest first. */
export async function incidentsView(
  svc: Pick<Services, 'clock' | 'incidents'>,
  query: { readonly minutes: number; readonly limit: number },
): Promise<IncidentsView> {
  const since = addMinutes(svc.clock.now().toISOString(), -query.minutes);
  return { since, incidents: await svc.incidents.recent({ since, limit: query.limit }) };
}
