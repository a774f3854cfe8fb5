/**
 * Table types of the Kysely query layer, shared by SQLite and PostgreSQL. Times are milliseconds
 * since the epoch (`bigint` columns, read as numbers); flags are integers 0/1 so that both
 * dialects bind them the same way; binary columns are `blob` / `bytea`, read as Buffers.
 */
export interface Database {
  schema_version: SchemaVersionTable;
  instance_settings: InstanceSettingsTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  api_tokens: ApiTokensTable;
  sites: SitesTable;
  site_origins: SiteOriginsTable;
  site_policies: SitePoliciesTable;
  recording_sessions: RecordingSessionsTable;
  session_pages: SessionPagesTable;
  chunks: ChunksTable;
  session_keys: SessionKeysTable;
  replay_access_log: ReplayAccessLogTable;
}

export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: number;
}

export interface AuthSessionsTable {
  id: string;
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry. */
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SitesTable {
  id: string;
  site_key: string;
  name: string;
  created_at: number;
}

export interface SiteOriginsTable {
  site_id: string;
  origin: string;
}

export interface SitePoliciesTable {
  site_id: string;
  policy_json: string;
  updated_at: number;
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

export interface ReplayAccessLogTable {
  id: string;
  user_id: string | null;
  api_token_id: string | null;
  /** Not a foreign key: the log outlives the recording it names. */
  session_id: string;
  site_id: string | null;
  purpose: string;
  accessed_at: number;
}
