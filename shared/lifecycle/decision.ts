import type { Effect } from './effects';
import type { AuditRecord, Stamp } from './stamp';

/** The guards of docs/architecture.md §4, plus the transition table itself. */
export type GuardName =
  | 'transition-table'
  | 'min-in-rotation'
  | 'blast-radius'
  | 'capacity'
  | 'retention'
  | 'quarantine-verification'
  | 'four-eyes'
  | 'canary'
  | 'stale-timer'
  | 'health'
  | 'input';

/** Why an event changed nothing at all. */
export type IgnoreReason = 'duplicate-event' | 'stale-signal' | 'stale-timer' | 'not-applicable';

/**
 * The outcome of `decide`:
 * - `transition`: a phase or traffic change, with exactly one audit record;
 * - `updated`: bookkeeping only (health, approvals, processed ids), no audit record;
 * - `refused`: a guard said no; `stamp` may still carry bookkeeping (the alert was seen);
 * - `ignored`: nothing changes and nothing is written.
 */
export type Decision =
  | {
      readonly outcome: 'transition';
      readonly stamp: Stamp;
      readonly effects: readonly Effect[];
      readonly audit: AuditRecord;
    }
  | {
      readonly outcome: 'updated';
      readonly stamp: Stamp;
      readonly effects: readonly Effect[];
      readonly note: string;
    }
  | {
      readonly outcome: 'refused';
      readonly guard: GuardName;
      readonly reason: string;
      readonly stamp: Stamp;
      readonly effects: readonly Effect[];
      /**
       * For a request someone made (an operator, the reconciler): the refusal as an audit record,
       * so the stamp's history shows an accepted request that a guard refused later.
       */
      readonly audit?: AuditRecord;
    }
  | { readonly outcome: 'ignored'; readonly reason: IgnoreReason; readonly detail: string };

export type DecisionOutcome = Decision['outcome'];
