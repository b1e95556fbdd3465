/**
 * What the control plane did with each inbound alert or signal, kept for inspection: an SRE must
 * be able to see that an alert was dropped, and why, without reading a log.
 */

/** `duplicate` is counted, never stored: a duplicate must cost no more than one point read. */
export const SIGNAL_OUTCOMES = ['accepted', 'duplicate', 'unmatched', 'rejected'] as const;
export type SignalOutcome = (typeof SIGNAL_OUTCOMES)[number];
export type StoredSignalOutcome = Exclude<SignalOutcome, 'duplicate'>;

export interface SignalRecord {
  /**
   * `alert:{alertId}:{Fired|Resolved}` for an alert published as a signal (the id a duplicate is
   * found by), with `:unmatched` or `:unknown-stamp:{id}` appended for the others,
   * `alert-rejected:{sha256 of the body}` for one that could not, `signal:{CloudEvent id}` for a
   * signal from Event Grid.
   */
  readonly id: string;
  readonly outcome: StoredSignalOutcome;
  readonly receivedAt: string;
  /** Where it came from: the alert receiver or the Event Grid subscription. */
  readonly via: 'alert-receiver' | 'event-grid';
  /** Why it was not accepted, in words an operator can act on. */
  readonly reason?: string;
  readonly stampId?: string;
  readonly alertId?: string;
  readonly alertRule?: string;
  readonly signalType?: string;
  /** The start of a rejected body (control characters escaped), to see what was sent. */
  readonly sample?: string;
}

export interface SignalLog {
  /** The record of `id`, if one was kept: one point read. */
  find(id: string): Promise<SignalRecord | undefined>;
  /** Keeps the first record of its id; false when one was already kept. */
  record(record: SignalRecord): Promise<boolean>;
  /** Records received at or after `since`, newest first, at most `limit`. */
  recent(options: { since: string; limit: number; outcome?: StoredSignalOutcome }): Promise<SignalRecord[]>;
  /** How many records of `outcome` were received at or after `since`. */
  count(outcome: StoredSignalOutcome, since: string): Promise<number>;
}
