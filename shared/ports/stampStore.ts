import type { Effect } from '../lifecycle/effects';
import type { StampEvent } from '../lifecycle/events';
import type { FleetMember } from '../lifecycle/fleet';
import type { Phase } from '../lifecycle/phase';
import type { RegionBlock } from '../lifecycle/regionBlock';
import type { RegionCounts } from '../lifecycle/regionCounts';
import type { DesiredChange } from '../lifecycle/regionDesired';
import type { CapacitySignalRecord, RegionStatus } from '../lifecycle/regionStatus';
import type { AuditRecord, Stamp } from '../lifecycle/stamp';

/** A stamp as stored, with the ETag that a conditional write must present. */
export interface StoredStamp {
  readonly stamp: Stamp;
  readonly etag: string;
}

/**
 * One small document per region: the capacity ledger (docs/architecture.md §7). Guards read it to
 * count stamps and update it with If-Match, so two placements can never both take the last slot.
 */
export interface RegionLedger {
  readonly region: string;
  readonly code: string;
  /** The last sequence number handed out for a stamp id in this region; ids are never reused. */
  readonly lastSeq: number;
  /** Every live stamp of the region (not archived, not purged), keyed by id. */
  readonly members: Readonly<Record<string, FleetMember>>;
  /** When automation last scaled this region out or in (cooldown), ISO instants. */
  readonly lastScaleOutAt?: string;
  readonly lastScaleInAt?: string;
  /** The desired stamp count the fleet reconciler converges to; absent: the region's max. */
  readonly desired?: number;
  /** The changes of `desired`, newest last (the region's audit trail). */
  readonly desiredChanges?: readonly DesiredChange[];
  /** Set while deployments there are refused for the region's own reasons (quota, outage). */
  readonly block?: RegionBlock;
  /** What the fleet reconciler last said about the region. */
  readonly status?: RegionStatus;
  /** The last capacity alert and what came of it (a change of desired, or why it was held). */
  readonly capacitySignal?: CapacitySignalRecord;
}

/**
 * The fleet as the blast-radius guard sees it, in one small document: every region's counts
 * (docs/architecture.md §18). A decision that changes them writes it with If-Match before
 * committing, so two decisions taken at once in different regions can never both count on the
 * other not having happened; its size grows with the regions, not with the stamps.
 */
export interface StoredFleetSummary {
  readonly regions: Readonly<Record<string, RegionCounts>>;
  /** Absent while there is no summary document yet. */
  readonly etag?: string;
}

export interface StoredLedger {
  readonly ledger: RegionLedger;
  readonly etag: string;
}

/**
 * Events waiting for a stamp's orchestration. Triggers put events here (exactly once, by event
 * id) before waking the orchestration, so no event is lost when a wake-up is (a raised event
 * dropped by continue-as-new, an orchestration not running); the orchestration consumes them
 * in the same transactional batch that writes the transitions they cause.
 */
/** Where a piece of work was asked for: the W3C `traceparent` to continue and when it was asked. */
export interface TraceRef {
  readonly traceparent: string;
  readonly at: string;
}

export interface StampInbox {
  readonly stampId: string;
  /** In arrival order. */
  readonly pending: readonly StampEvent[];
  /** Ids of recently consumed events, newest last: a duplicate is dropped at the door. */
  readonly recent: readonly string[];
  /**
   * The last batch committed and the effects it asked for, so that an activity re-run after a
   * crash (at-least-once) returns the same effects instead of losing them.
   */
  readonly lastBatch?: {
    readonly key: string;
    readonly effects: readonly Effect[];
    /** The trace the batch's decisions joined, so a re-run continues the same one. */
    readonly trace?: TraceRef;
  };
  /** The trace of the newest pending event that came with one (an alert's, an operator's request). */
  readonly trace?: TraceRef;
}

export interface StoredInbox {
  readonly inbox: StampInbox;
  /** Absent while the stamp has no inbox document yet. */
  readonly etag?: string;
}

/** How many consumed event ids an inbox remembers. */
export const INBOX_RECENT_WINDOW = 256;

/** One commit of the decisions an orchestration took for a stamp: all or nothing. */
export interface DecisionBatch {
  readonly stamp: Stamp;
  readonly etag: string;
  /** The audit records of the transitions, in order (may be empty). */
  readonly audits: readonly AuditRecord[];
  readonly inbox: StampInbox;
  /** The inbox's ETag when read; absent when it had no document (it is then created). */
  readonly inboxEtag?: string;
}

/** One page of a listing: `limit` items at most, from where `continuation` left off. */
export interface PageRequest {
  readonly limit: number;
  /** The store's token from the previous page; absent for the first. */
  readonly continuation?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back for the next page; absent on the last. */
  readonly continuation?: string;
}

export interface StampFilter {
  readonly phase?: Phase;
  readonly region?: string;
}

/**
 * The port to stamp state (Cosmos DB in every environment: a real account on Azure, the
 * embedded Cosmos-compatible server locally). Every write that can race is conditional;
 * a lost race throws ConflictError and the caller re-reads and re-decides.
 */
export interface StampStore {
  /** Creates a stamp and its first audit record atomically; ConflictError if the id exists. */
  create(stamp: Stamp, audit: AuditRecord): Promise<StoredStamp>;
  get(id: string): Promise<StoredStamp | undefined>;
  list(filter?: StampFilter): Promise<Stamp[]>;
  /** One page of `list`, ordered by id (a stable order: stamp ids are never reused). */
  listPage(filter: StampFilter, page: PageRequest): Promise<Page<Stamp>>;
  /** Replaces the stamp if its ETag is still `etag`; ConflictError otherwise. */
  replace(stamp: Stamp, etag: string): Promise<StoredStamp>;
  /**
   * Replaces the stamp (If-Match), appends its audit records and replaces its inbox (If-Match)
   * in one transactional batch; ConflictError if either changed meanwhile.
   */
  commitBatch(batch: DecisionBatch): Promise<StoredStamp>;
  /** Adds an event to a stamp's inbox unless it is pending or was consumed recently. */
  enqueueEvent(stampId: string, event: StampEvent, trace?: TraceRef): Promise<'queued' | 'duplicate'>;
  readInbox(stampId: string): Promise<StoredInbox>;
  /** The stamp's audit records, oldest first. */
  history(id: string): Promise<AuditRecord[]>;
  /** One page of `history`, oldest first. */
  historyPage(id: string, page: PageRequest): Promise<Page<AuditRecord>>;

  /** Records that an inbound event was handled; false if it already was (exactly-once, guard 5). */
  recordProcessedEvent(
    eventId: string,
    detail: { source: string; stampId?: string; at: string },
  ): Promise<boolean>;
  isEventProcessed(eventId: string): Promise<boolean>;

  getFleetSummary(): Promise<StoredFleetSummary>;
  /** Replaces the fleet summary if its ETag is still `etag` (creates it when `etag` is absent); ConflictError otherwise. */
  replaceFleetSummary(
    regions: Readonly<Record<string, RegionCounts>>,
    etag?: string,
  ): Promise<StoredFleetSummary>;

  getLedger(region: string): Promise<StoredLedger | undefined>;
  /** Creates the ledger of a configured region if it is missing; returns the stored one. */
  ensureLedger(region: string, code: string): Promise<StoredLedger>;
  /** Replaces a ledger if its ETag is still `etag`; ConflictError otherwise. */
  replaceLedger(ledger: RegionLedger, etag: string): Promise<StoredLedger>;

  /** Files an archived stamp under the day its retention ends, so sweeps never scan the fleet. */
  schedulePurge(stampId: string, dueAt: string): Promise<void>;
  /** Stamp ids whose purge is due at or before `now` (read by day bucket, not by query). */
  listPurgeDue(now: string): Promise<string[]>;
  /** Removes a stamp from the purge schedule once it is purged. */
  unschedulePurge(stampId: string, dueAt: string): Promise<void>;
}

/** The store's methods that write: what a fault storm fails and a meter counts bytes written for. */
export const STAMP_STORE_WRITES = [
  'create',
  'replace',
  'commitBatch',
  'enqueueEvent',
  'recordProcessedEvent',
  'replaceFleetSummary',
  'replaceLedger',
  'schedulePurge',
  'unschedulePurge',
] as const satisfies readonly (keyof StampStore)[];
