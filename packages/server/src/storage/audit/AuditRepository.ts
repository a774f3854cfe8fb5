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
