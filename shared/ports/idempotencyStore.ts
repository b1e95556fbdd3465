/**
 * The first answer to a request sent with an `Idempotency-Key`, kept so that a retry of the same
 * request gets it again instead of doing the work twice (docs/architecture.md §12).
 */
export interface SavedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface IdempotencyRecord {
  /** Who sent the key and the key itself, hashed: the document's identity. */
  readonly key: string;
  /** The request the key was first used for (method, path, query and body, hashed). */
  readonly fingerprint: string;
  readonly startedAt: string;
  /** Until then a request without an answer is taken to be still running; after it, to have died. */
  readonly leaseUntil: string;
  /** After it the key is forgotten and may name a new request. */
  readonly expiresAt: string;
  /** Absent while the first request is running. */
  readonly answer?: SavedAnswer;
}

export interface StoredIdempotencyRecord {
  readonly record: IdempotencyRecord;
  readonly etag: string;
}

/**
 * Where idempotency records live: in the store every host shares (Cosmos DB), so a retry that
 * reaches another instance of the function app is still recognised. Writes are conditional; a
 * lost race throws ConflictError.
 */
export interface IdempotencyStore {
  find(key: string): Promise<StoredIdempotencyRecord | undefined>;
  /** Creates the record when `etag` is undefined, else replaces it If-Match; returns the new ETag. */
  put(record: IdempotencyRecord, etag?: string): Promise<string>;
  /** Forgets a claim whose request failed, so that a retry runs it again. */
  remove(key: string, etag: string): Promise<void>;
}
