import type { AuditAction, AuditCheckpoint, AuditEntry } from '@veil/core';

/** Filters of the audit view, the export and the access report; all optional, combined with AND. */
export interface AuditQuery {
  /** Inclusive bounds on `at` (ms). */
  from?: number | undefined;
  to?: number | undefined;
  actions?: readonly AuditAction[] | undefined;
  /** The actor's id (a user or token id). */
  actorId?: string | undefined;
  siteKey?: string | undefined;
  targetId?: string | undefined;
  /** Case-insensitive substring of the actor label, target id or details. */
  text?: string | undefined;
  /** Entries with seq below this (newest-first pagination) … */
  beforeSeq?: number | undefined;
  /** … or above this (oldest-first scans). */
  afterSeq?: number | undefined;
  order: 'asc' | 'desc';
  limit: number;
}

/** The result of sealing the next entry: the entry and, every so often, a signed checkpoint. */
export interface SealedAppend {
  entry: AuditEntry;
  checkpoint?: AuditCheckpoint | undefined;
}

export interface AuditRepository {
  /**
   * Appends one entry in a transaction that serialises appenders across processes: `seal` gets the
   * current head (seq 0 and the genesis hash for an empty log) and returns the sealed entry, plus a
   * checkpoint when one is due; both are inserted and the head moves. Returns the entry.
   */
  append(seal: (head: { seq: number; hash: string }) => SealedAppend): Promise<AuditEntry>;
  /** The head as appends left it (`audit_head`), independent of what rows exist. */
  head(): Promise<{ seq: number; hash: string }>;
  query(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every entry in seq order, read in pages (for verification and export). */
  scan(fromSeq?: number, toSeq?: number, pageSize?: number): AsyncIterable<AuditEntry>;
  checkpoints(): Promise<AuditCheckpoint[]>;
  addCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
}

export interface ReplayGrantRecord {
  id: string;
  userId: string | null;
  apiTokenId: string | null;
  actorLabel: string;
  sessionId: string;
  siteId: string | null;
  purpose: string;
  ticket: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface ReplayGrantQuery {
  userId?: string | undefined;
  apiTokenId?: string | undefined;
  siteId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface ReplayGrantRepository {
  create(grant: Omit<ReplayGrantRecord, 'id'>): Promise<ReplayGrantRecord>;
  findById(id: string): Promise<ReplayGrantRecord | undefined>;
  /** The caller's newest grant on a session still valid at `now`. */
  findActive(
    sessionId: string,
    holder: { userId: string | null; apiTokenId: string | null },
    now: number,
  ): Promise<ReplayGrantRecord | undefined>;
  /** Grants the holder received on a site since `since` (the access-anomaly count). */
  countSince(
    siteId: string,
    holder: { userId: string | null; apiTokenId: string | null },
    since: number,
  ): Promise<number>;
  /** Newest first. */
  list(query: ReplayGrantQuery): Promise<ReplayGrantRecord[]>;
}

export interface AccessAlertRecord {
  id: string;
  kind: 'raw_replay_rate';
  siteId: string | null;
  siteKey: string | null;
  userId: string | null;
  apiTokenId: string | null;
  actorLabel: string;
  count: number;
  threshold: number;
  windowStart: number;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
}

export interface AccessAlertRepository {
  /** Raises an alert unless one with the same `dedupeKey` exists; returns it only when new. */
  raise(alert: Omit<AccessAlertRecord, 'id'> & { dedupeKey: string }): Promise<AccessAlertRecord | undefined>;
  findById(id: string): Promise<AccessAlertRecord | undefined>;
  /** Newest first. */
  list(options: { unacknowledgedOnly: boolean; limit: number }): Promise<AccessAlertRecord[]>;
  /** True when it was open and is now acknowledged. */
  acknowledge(id: string, by: string, at: number, note: string | null): Promise<boolean>;
}

export interface OidcLoginRepository {
  put(login: { stateHash: string; nonce: string; codeVerifier: string; createdAt: number }): Promise<void>;
  /** Removes and returns the login (a state is good once). */
  take(stateHash: string): Promise<{ nonce: string; codeVerifier: string; createdAt: number } | undefined>;
  deleteOlderThan(before: number): Promise<number>;
}

export interface AccessLimitRepository {
  rawReplaysPerHour(siteId: string): Promise<number | undefined>;
  setRawReplaysPerHour(siteId: string, limit: number): Promise<void>;
}
