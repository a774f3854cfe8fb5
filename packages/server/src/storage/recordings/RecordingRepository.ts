import type {
  DeviceClass,
  FunnelSession,
  FunnelStep,
  SessionSignalState,
  SignalCounts,
  SignalKind,
} from '@veil/core';
import type { WrappedDataKey } from '../../crypto/EnvelopeCipher.js';
import type { FunnelClick } from '../signals/SignalRepository.js';

/** A page view as the summary keeps it; its title is sealed separately (see `ChunkSealer`). */
export interface PageView {
  /** Sanitised: no fragment, no query parameter outside the policy's allow list. */
  url: string;
  /** Event time (client clock, ms). */
  ts: number;
  viewportWidth: number | null;
}

/** A stored page view; titles can carry names, so they are encrypted with the session's data key. */
export interface StoredPageView extends PageView {
  sealedTitle: Buffer | null;
}

export interface SessionSummaryRecord {
  id: string;
  siteId: string;
  siteKey: string;
  visitorId: string | null;
  startedAt: number;
  endedAt: number;
  lastReceivedAt: number;
  /** When Veil received the session's first batch (server clock): retention ages count from here. */
  receivedAt: number;
  durationMs: number;
  pageCount: number;
  entryUrl: string | null;
  deviceClass: DeviceClass | null;
  viewportWidth: number | null;
  eventCount: number;
  chunkCount: number;
  finalised: boolean;
  /** Recorded for the demo site: demo data (`veil demo --erase`). */
  demo: boolean;
  /** Frustration and error signals counted at ingest (all 0 before any were counted). */
  signals: SignalCounts;
}

/** What one new chunk contributes to its session's summary. */
export interface ChunkIngest {
  siteId: string;
  sessionId: string;
  visitorId: string | undefined;
  seq: number;
  /** Server clock. */
  receivedAt: number;
  eventCount: number;
  /** Earliest and latest event time of the batch (client clock); `sentAt` when it has no events. */
  firstTs: number;
  lastTs: number;
  /** Page views of the batch in event order, consecutive repeats of one URL already collapsed. */
  pages: readonly PageView[];
  /** Recorded for the demo site: the session is demo data (set when the session is created). */
  demo?: boolean;
}

/** What the store writes for one batch: the sealed chunk and the sealed title of each page view. */
export interface SealedBatch {
  payload: Buffer;
  /** Aligned with `ChunkIngest.pages`; `null` for a page view without a title. */
  titles: readonly (Buffer | null)[];
}

/** Encrypts inside the storing transaction, with the session's key as stored. */
export interface ChunkSealer {
  /** A wrapped key for a session that has none yet. */
  newWrappedDataKey(): WrappedDataKey;
  /** The batch sealed with the data key inside `wrappedKey`. */
  seal(wrappedKey: Buffer): SealedBatch;
}

export type IngestOutcome = 'stored' | 'duplicate' | 'conflict';

/**
 * A batch's signals, counted in the transaction that stores its chunk (`SignalRepository.ingest`'s
 * fold and clicks): once per (session, seq), also when the chunk is a duplicate (a retry after a
 * failure counts what was not counted), never for a `conflict`.
 */
export interface ChunkSignals {
  fold(state: SessionSignalState | undefined): SessionSignalState;
  clicks: readonly FunnelClick[];
}

/** One batch of a group commit (`ingestChunks`). */
export interface ChunkWrite {
  chunk: ChunkIngest;
  sealer: ChunkSealer;
  signals?: ChunkSignals | undefined;
}

/** A funnel's segment: only sessions of this device class and/or carrying this tag. */
export interface FunnelSegment {
  device?: DeviceClass | undefined;
  tag?: { key: string; value: string } | undefined;
}

export interface SessionListQuery {
  siteId: string;
  from?: number | undefined;
  to?: number | undefined;
  /** Only sessions whose first batch Veil received at or after this (server clock, as funnels count). */
  receivedFrom?: number | undefined;
  /** … at or before this. */
  receivedTo?: number | undefined;
  device?: DeviceClass | undefined;
  /** Only sessions carrying this tag (a funnel's tag segment). */
  tag?: { key: string; value: string } | undefined;
  minDurationMs?: number | undefined;
  /** Case-insensitive substring of any visited URL. */
  page?: string | undefined;
  /** Only sessions with at least one of each of these signals. */
  signals?: readonly SignalKind[] | undefined;
  /** Most of this signal first (then newest first); newest first when absent. */
  sort?: SignalKind | undefined;
  /** Only sessions whose funnel sequence kept at ingest did steps 1..`reached` of these, in order. */
  funnel?: { steps: readonly FunnelStep[]; reached: number } | undefined;
  limit: number;
  /**
   * Keyset position: sessions after this one in the list's order (`value`: its count of the
   * `sort` signal).
   */
  after?: { startedAt: number; id: string; value?: number | undefined } | undefined;
}

export interface StoredChunk {
  seq: number;
  payload: Buffer;
}

export interface IdleSession {
  id: string;
  siteId: string;
  durationMs: number;
}

export interface RecordingRepository {
  /**
   * In one transaction: creates the session (and its data key) when new, refuses a session id owned
   * by another site (`conflict`), inserts the chunk once per (session, seq) and, only when it is new,
   * folds it into the session summary.
   */
  ingestChunk(chunk: ChunkIngest, sealer: ChunkSealer): Promise<IngestOutcome>;
  /**
   * Group commit: `ingestChunk` of every item in one transaction (one commit for the group), in
   * (session, seq) order. An item that fails is rolled back alone (a savepoint) and answered with
   * its error; the others are committed. Resolves only after the commit: an outcome is durable.
   */
  ingestChunks(items: readonly ChunkWrite[]): Promise<Array<IngestOutcome | Error>>;
  list(query: SessionListQuery): Promise<SessionSummaryRecord[]>;
  /**
   * The sessions Veil first received in [from, to] within a segment (device class, tag), each with
   * its visitor (the session itself when it has no visitor id) and its page views (URL paths,
   * consecutive repeats collapsed) and element clicks in time order, read from every page view
   * and click. The reference that the sequences kept at ingest (`signals.funnelReach`, which the
   * funnel route counts) are checked against in the conformance tests and the funnel benchmark.
   */
  funnelSessions(siteId: string, from: number, to: number, segment?: FunnelSegment): Promise<FunnelSession[]>;
  get(sessionId: string): Promise<SessionSummaryRecord | undefined>;
  pages(sessionId: string): Promise<StoredPageView[]>;
  /** Encrypted chunks in sequence order. */
  chunks(sessionId: string): Promise<StoredChunk[]>;
  wrappedKey(sessionId: string): Promise<Buffer | undefined>;
  /** Unfinalised sessions that received nothing since before `idleBefore`, oldest first. */
  findIdle(idleBefore: number, limit: number): Promise<IdleSession[]>;
  /** Marks the session finalised if it is still idle since before `idleBefore`; true when it did. */
  finalise(sessionId: string, idleBefore: number): Promise<boolean>;
  /**
   * Deletes the session with its key, chunks and pages if it is still idle since before
   * `idleBefore` (pass `Infinity` to delete unconditionally); true when it did.
   */
  delete(sessionId: string, idleBefore: number): Promise<boolean>;
  /**
   * After a run of `delete`s (purges): makes the deleted keys unrecoverable from the database
   * files (SQLite checkpoint; PostgreSQL `VACUUM (FULL)` of the key tables, see reclaimDeleted).
   */
  reclaimDeleted(): Promise<void>;
}
