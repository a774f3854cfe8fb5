/** Raw replay access: the access log, purpose-bound grants and access-anomaly alerts. Part of `Database`. */
export interface AccessTables {
  replay_access_log: ReplayAccessLogTable;
  replay_grants: ReplayGrantsTable;
  access_alerts: AccessAlertsTable;
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
