/** A stored instance document with the ETag a conditional write must present. */
export interface StoredInstanceDocument {
  readonly instanceId: string;
  readonly document: unknown;
  readonly etag: string;
}

/**
 * The port to the durable runtime's instance state: one JSON document per orchestration
 * instance (history, inbox, status). Writes are conditional; a lost race throws
 * `ConflictError` (shared/errors). Documents come back as `unknown` and the runtime parses
 * them, so a corrupt document surfaces as a typed error rather than a crash.
 */
export interface InstanceStore {
  read(instanceId: string): Promise<StoredInstanceDocument | undefined>;
  /** Creates the document; `ConflictError` if the id exists. Returns the new ETag. */
  create(instanceId: string, document: unknown): Promise<string>;
  /** Replaces the document if its ETag is still `etag`; `ConflictError` otherwise. Returns the new ETag. */
  replace(instanceId: string, document: unknown, etag: string): Promise<string>;
  /** Deletes the document if its ETag is still `etag`; false if it did not exist. */
  delete(instanceId: string, etag: string): Promise<boolean>;
  /** Every stored document (restart recovery, status queries, purge by filter). */
  list(): Promise<StoredInstanceDocument[]>;
}
