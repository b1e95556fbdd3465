/**
 * Every incident the control plane raised, kept where an operator can see it: on Azure an
 * incident also goes to whoever subscribes to the Event Grid topic, but a dashboard must not
 * depend on a subscriber being there.
 */
export interface IncidentRecord {
  /** The CloudEvent id of the `IncidentRaised` notification: a republished event is the same incident. */
  readonly id: string;
  /** `blast-radius`, `canary-worse`, `signals-not-accepted`, …: what happened, as a word. */
  readonly kind: string;
  /** The stamp it concerns, when there is one (`stamps/{id}` subjects). */
  readonly stampId?: string;
  /** What happened and what to look at, in words an operator can act on. */
  readonly detail: string;
  readonly raisedAt: string;
}

export interface IncidentLog {
  /** Keeps the first record of its id; false when it was kept already. */
  record(incident: IncidentRecord): Promise<boolean>;
  /** Incidents raised at or after `since`, newest first, at most `limit`. */
  recent(options: { readonly since: string; readonly limit: number }): Promise<IncidentRecord[]>;
}
