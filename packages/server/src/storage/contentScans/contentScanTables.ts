/**
 * Erasure by content (migration `009_content_scans`): one row per scan of a site's decrypted
 * recordings for a leaked value or pattern. The value is never stored: `value_hash` is its keyed
 * hash (HMAC under the identity secret). Matches name sessions, event indexes and JSON paths only.
 */
export interface ContentScanTables {
  content_scans: ContentScansTable;
}

export interface ContentScansTable {
  id: string;
  site_id: string;
  site_key: string;
  /** `value` (a literal) or `pattern` (a regular expression). */
  match_kind: string;
  case_sensitive: number;
  value_hash: string;
  /** Only sessions first received (server clock) at or after / before these times; `null`: unbounded. */
  received_from: number | null;
  received_to: number | null;
  /** `running`, `completed`, `failed`, `erased`. */
  status: string;
  sessions_total: number;
  sessions_scanned: number;
  matched_sessions: number;
  matched_count: number;
  /** JSON: `[{sessionId, count, positions: [{eventIndex, path, count}]}]`. */
  matches_json: string;
  error: string | null;
  /** The exposure incident the scan belongs to, if any. */
  incident_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  /** JSON of the erasure receipt once the matches were erased. */
  erasure_json: string | null;
  erased_at: number | null;
}
