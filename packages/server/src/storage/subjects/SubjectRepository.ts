import type { RecordedSelector } from '@veil/core';

/** What an erasure removed. */
export interface ErasedCounts {
  sessions: number;
  chunks: number;
  dataKeys: number;
}

export interface SubjectRepository {
  /** Links a session to the keyed hash of a user id (idempotent). */
  link(sessionId: string, siteId: string, userHash: string, at: number): Promise<void>;
  /** Adds tags to a session (idempotent). */
  addTags(sessionId: string, tags: ReadonlyArray<{ key: string; value: string }>): Promise<void>;
  userHashes(sessionId: string): Promise<string[]>;
  /**
   * `userHashes` for the ingest hot path (step `identify`): remembered per session for at most
   * `INGEST_READ_TTL_MS`; a link made through this repository drops its session's entry, an
   * erasure every entry (before and after it). A link made by another process on the same database
   * (batches of one session spread over Veil processes on PostgreSQL) is seen within
   * `INGEST_READ_TTL_MS`.
   */
  userHashesCached(sessionId: string): Promise<string[]>;
  tags(sessionId: string): Promise<Array<{ key: string; value: string }>>;
  /** The site's sessions a selector names (user hash, visitor, one session, tag). */
  sessionIds(siteId: string, selector: RecordedSelector): Promise<string[]>;
  /** The visitor ids of those sessions (distinct, non-null). */
  visitorIds(sessionIds: readonly string[]): Promise<string[]>;
  /**
   * Deletes the sessions: data keys first (crypto-shredding), then chunks, page views, links and
   * tags, in one transaction per session; then asks the database to overwrite what it freed
   * (SQLite: secure delete is on, and the WAL is checkpointed and truncated).
   */
  eraseSessions(sessionIds: readonly string[]): Promise<ErasedCounts>;
}
