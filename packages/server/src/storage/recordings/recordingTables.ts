import type { Generated } from 'kysely';

/** Recording sessions, their page views, sealed chunks and wrapped data keys. Part of `Database`. */
export interface RecordingTables {
  recording_sessions: RecordingSessionsTable;
  session_pages: SessionPagesTable;
  chunks: ChunksTable;
  session_keys: SessionKeysTable;
}

export interface RecordingSessionsTable {
  id: string;
  site_id: string;
  visitor_id: string | null;
  started_at: number;
  ended_at: number;
  last_received_at: number;
  duration_ms: number;
  page_count: number;
  entry_url: string | null;
  device_class: string | null;
  viewport_width: number | null;
  event_count: number;
  chunk_count: number;
  finalised: number;
  created_at: number;
  /** 1 when recorded for the demo site: demo data, erased by `veil demo --erase`. */
  demo: Generated<number>;
}

export interface SessionPagesTable {
  session_id: string;
  seq: number;
  /** Position of the page view within its batch. */
  idx: number;
  ts: number;
  url: string;
  /** The page title, sealed with the session's data key; `null` when the page view had none. */
  title_sealed: Buffer | null;
  viewport_width: number | null;
}

export interface ChunksTable {
  session_id: string;
  seq: number;
  received_at: number;
  event_count: number;
  /** AES-256-GCM of the gzipped JSON event array (see EnvelopeCipher). */
  payload: Buffer;
}

export interface SessionKeysTable {
  session_id: string;
  wrapped_key: Buffer;
  master_key_id: string;
  created_at: number;
}
