/** What one purge batch removed. */
export interface PurgedCounts {
  sessions: number;
  chunks: number;
  /** Sealed chunk bytes. */
  bytes: number;
  dataKeys: number;
}

/** What a purge would remove (a dry run, the policy editor's preview). */
export interface DueCounts {
  sessions: number;
  chunks: number;
  bytes: number;
}

export type PurgeTrigger = 'start' | 'schedule' | 'cli' | 'api';

export interface PurgeReceiptRecord {
  id: string;
  runId: string;
  siteId: string;
  siteKey: string;
  policyVersion: number;
  retentionDays: number;
  cutoff: number;
  sessions: number;
  chunks: number;
  bytes: number;
  dataKeys: number;
  held: number;
  overdue: number;
  oldestRemainingAt: number | null;
  trigger: PurgeTrigger;
  startedAt: number;
  completedAt: number;
}

export interface LegalHoldRecord {
  id: string;
  siteId: string;
  siteKey: string;
  sessionId: string | null;
  userHash: string | null;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  releasedAt: number | null;
  /** A user's email, a token's name, `cli`, or `expiry` when the hold ended by itself. */
  releasedBy: string | null;
}

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Retention: the index-driven queries of the purge (server receive time, legal holds honoured),
 * purge receipts, legal holds, and a lock that lets one process at a time purge a shared database.
 */
export interface RetentionRepository {
  /**
   * Runs `work` holding the cross-process lock `name` (PostgreSQL: a session advisory lock; SQLite:
   * a lease row that expires `leaseMs` after `now`, so a crashed holder does not block for ever).
   * `{ acquired: false }` when another run holds it.
   */
  withLock<T>(name: string, now: number, leaseMs: number, work: () => Promise<T>): Promise<LockOutcome<T>>;
  /** Sessions of the site first received before `cutoff` and held by no active hold at `now`, oldest first. */
  dueSessions(siteId: string, cutoff: number, now: number, limit: number): Promise<string[]>;
  countDue(siteId: string, cutoff: number, now: number): Promise<DueCounts>;
  /** Sessions first received before `cutoff` kept by an active hold. */
  countHeld(siteId: string, cutoff: number, now: number): Promise<number>;
  /**
   * In one transaction: deletes those of `sessionIds` that are still due (re-checked against
   * `cutoff` and the holds active at `now`): data keys first, then chunks, page views, subject
   * links, tags, heatmap per-session state and the sessions.
   */
  purge(sessionIds: readonly string[], siteId: string, cutoff: number, now: number): Promise<PurgedCounts>;
  /** Asks the engine to overwrite what deletes freed (SQLite: WAL checkpoint with secure delete). */
  compact(): Promise<void>;
  /** Receive time of the site's oldest session, held or not. */
  oldestSession(siteId: string): Promise<number | undefined>;
  /** Receive time of the site's oldest session no active hold keeps. */
  oldestUnheldSession(siteId: string, now: number): Promise<number | undefined>;
  addReceipt(receipt: PurgeReceiptRecord): Promise<void>;
  lastReceipt(siteId: string): Promise<PurgeReceiptRecord | undefined>;
  /** Completion time of the latest receipt of any site. */
  lastRunAt(): Promise<number | undefined>;
  addHold(hold: LegalHoldRecord): Promise<void>;
  getHold(id: string): Promise<LegalHoldRecord | undefined>;
  /** Holds of a site, newest first; ended ones too when `includeEnded`. */
  listHolds(siteId: string, now: number, includeEnded: boolean): Promise<LegalHoldRecord[]>;
  /** Ends a hold still active at `at`; false when it had ended already. */
  releaseHold(id: string, by: string, at: number): Promise<boolean>;
  /** Marks holds whose expiry passed as ended by `expiry`; returns them. */
  endExpiredHolds(now: number): Promise<LegalHoldRecord[]>;
}
