import type { EventPublisher, StampCloudEvent } from '../ports/eventPublisher';
import { STAMP_EVENT_TYPES } from '../ports/eventPublisher';
import type { IncidentLog, IncidentRecord } from '../ports/incidentLog';

/**
 * The publisher the control plane raises incidents through: every `IncidentRaised` notification
 * is kept in the incident log before it is published, whichever part raised it (a lifecycle
 * effect, the alert receiver's burst check), so `GET /api/incidents` and the dashboard see each
 * one. Recording first means an incident that reached a subscriber is always on record; a
 * publish retried after a failure records nothing twice (the log keeps the first of an id).
 */
export function recordingIncidents(publisher: EventPublisher, log: IncidentLog): EventPublisher {
  return {
    async publish(events) {
      for (const event of events) {
        const incident = incidentOf(event);
        if (incident !== undefined) await log.record(incident);
      }
      await publisher.publish(events);
    },
  };
}

export function incidentOf(event: StampCloudEvent): IncidentRecord | undefined {
  if (event.type !== STAMP_EVENT_TYPES.IncidentRaised) return undefined;
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<
    string,
    unknown
  >;
  const stampId = event.subject.startsWith('stamps/') ? event.subject.slice('stamps/'.length) : '';
  return {
    id: event.id,
    kind: typeof data.incident === 'string' ? data.incident : 'unnamed',
    // The burst incident's subject is `signals`: it concerns no stamp.
    ...(stampId === '' ? {} : { stampId }),
    detail: typeof data.detail === 'string' ? data.detail : JSON.stringify(data),
    raisedAt: event.time,
  };
}
