import type { Generated } from 'kysely';
import type {
  BannerTextsTable,
  ConsentReceiptsTable,
  ErasureReceiptsTable,
  OptOutsTable,
  SessionSubjectsTable,
  SessionTagsTable,
  SubjectRequestsTable,
} from './consentSchema.js';
import type { HeatmapTables } from './heatmap/heatmapTables.js';
import type { PrivacyTables } from './privacy/privacyTables.js';

/**
 * Table types of the Kysely query layer, shared by SQLite and PostgreSQL. Times are milliseconds
 * since the epoch (`bigint` columns, read as numbers); flags are integers 0/1 so that both
 * dialects bind them the same way; binary columns are `blob` / `bytea`, read as Buffers.
 */
export interface Database extends HeatmapTables, PrivacyTables {
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
  user_sites: UserSitesTable;
  api_token_sites: ApiTokenSitesTable;
  replay_grants: ReplayGrantsTable;
  access_alerts: AccessAlertsTable;
  oidc_logins: OidcLoginsTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_head: AuditHeadTable;
  // Consent, opt-out and data-subject rights (consentSchema.ts).
  consent_receipts: ConsentReceiptsTable;
  opt_outs: OptOutsTable;
  session_subjects: SessionSubjectsTable;
  session_tags: SessionTagsTable;
  subject_requests: SubjectRequestsTable;
  erasure_receipts: ErasureReceiptsTable;
  banner_texts: BannerTextsTable;
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
  /** The TOTP secret sealed with the master key; `null` until enrolment starts. */
  totp_secret_sealed: Buffer | null;
  /** When TOTP was confirmed; a sealed secret without it is an enrolment in progress. */
  totp_enabled_at: number | null;
  /** Last accepted TOTP time step: a code is good once. */
  totp_last_step: number | null;
  /** Consecutive failed logins; reset by a success. */
  failed_logins: Generated<number>;
  locked_until: number | null;
  /** 1: every site; 0: only those in `user_sites`. */
  all_sites: Generated<number>;
  /** `issuer#sub` of a user who signs in with OpenID Connect. */
  oidc_subject: string | null;
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
  /** When this session passed a second factor (TOTP, or the identity provider's MFA). */
  second_factor_at: number | null;
  /** `password` or `oidc`. */
  method: Generated<string>;
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
  expires_at: number | null;
  /** 1: every site; 0: only those in `api_token_sites`. */
  all_sites: Generated<number>;
}

export interface SitesTable {
  id: string;
  site_key: string;
  name: string;
  created_at: number;
  /** Raw replays one user may open per hour before an access-anomaly alert is raised. */
  raw_replays_per_hour: Generated<number>;
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

export interface UserSitesTable {
  user_id: string;
  site_id: string;
}

export interface ApiTokenSitesTable {
  token_id: string;
  site_id: string;
}

/** A purpose-bound, time-limited permission to read one session's raw events. */
export interface ReplayGrantsTable {
  id: string;
  user_id: string | null;
  api_token_id: string | null;
  actor_label: string;
  /** Not a foreign key: the grant outlives the recording it names. */
  session_id: string;
  site_id: string | null;
  purpose: string;
  ticket: string | null;
  created_at: number;
  expires_at: number;
}

export interface AccessAlertsTable {
  id: string;
  kind: string;
  /** One alert per kind, actor, site and window. */
  dedupe_key: string;
  site_id: string | null;
  site_key: string | null;
  user_id: string | null;
  api_token_id: string | null;
  actor_label: string;
  count: number;
  threshold: number;
  window_start: number;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  note: string | null;
}

/** An OpenID Connect login between the redirect to the provider and its callback. */
export interface OidcLoginsTable {
  /** SHA-256 of the `state` (the browser holds the state in a cookie). */
  state_hash: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
}

/** The audit log: append-only (triggers), hash-chained (see core's `sealAuditEntry`). */
export interface AuditLogTable {
  seq: number;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  site_key: string | null;
  target_type: string | null;
  target_id: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  signature: string;
}

/** One row (id 1): the seq and hash of the newest entry, as appends left them. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
