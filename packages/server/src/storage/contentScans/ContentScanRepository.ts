import type { ContentErasureReceipt, ContentMatch, ContentScanStatus } from '@veil/core';

/** One scan for a leaked value (erasure by content); never the value, only its keyed hash. */
export interface ContentScanRecord {
  id: string;
  siteId: string;
  siteKey: string;
  kind: 'value' | 'pattern';
  caseSensitive: boolean;
  valueHash: string;
  receivedFrom: number | null;
  receivedTo: number | null;
  status: ContentScanStatus;
  sessionsTotal: number;
  sessionsScanned: number;
  matchedSessions: number;
  matchedCount: number;
  matches: ContentMatch[];
  error: string | null;
  incidentId: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  erasure: ContentErasureReceipt | null;
}

/** Sessions a scan reads: the site's, by server receive time, in pages. */
export interface ScanWindow {
  siteId: string;
  receivedFrom: number | null;
  receivedTo: number | null;
}

export interface ContentScanRepository {
  create(scan: ContentScanRecord): Promise<void>;
  get(id: string): Promise<ContentScanRecord | undefined>;
  /** Newest first. */
  list(siteId: string, limit: number): Promise<ContentScanRecord[]>;
  listForIncident(incidentId: string): Promise<ContentScanRecord[]>;
  /** Progress of a running scan (with the matches found so far). */
  progress(
    id: string,
    p: { sessionsTotal: number; sessionsScanned: number; matches: ContentMatch[]; at: number },
  ): Promise<void>;
  /** A running scan ends: `completed` with its matches, or `failed` with a reason. */
  finish(
    id: string,
    end: { status: 'completed' | 'failed'; matches: ContentMatch[]; error: string | null; at: number },
  ): Promise<void>;
  /** A completed scan's matches were erased. False when it was not `completed` (erased already). */
  markErased(id: string, receipt: ContentErasureReceipt): Promise<boolean>;
  /** Scans still `running` but not updated since `before` (their process stopped): marked failed. */
  failStale(before: number, at: number): Promise<number>;
  countSessions(window: ScanWindow): Promise<number>;
  /** Session ids in receive order after the keyset `(afterReceivedAt, afterId)`. */
  sessionPage(
    window: ScanWindow,
    after: { receivedAt: number; id: string } | null,
    limit: number,
  ): Promise<Array<{ id: string; receivedAt: number }>>;
  /** Of these sessions, those a legal hold keeps at `now` (by session or by subject). */
  heldSessionIds(siteId: string, sessionIds: readonly string[], now: number): Promise<string[]>;
}
