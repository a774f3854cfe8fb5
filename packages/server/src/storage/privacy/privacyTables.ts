/**
 * Privacy engine tables (migration `005_privacy_policy_versions`): the append-only history of each
 * site's policy, masking failures aggregated per page and element, privacy alerts (canaries),
 * and per-day counters of batches the privacy steps dropped. None holds a recorded value.
 */
export interface PrivacyTables {
  policy_versions: PolicyVersionsTable;
  masking_failures: MaskingFailuresTable;
  privacy_alerts: PrivacyAlertsTable;
  privacy_drop_counts: PrivacyDropCountsTable;
  privacy_drop_hours: PrivacyDropHoursTable;
}

/** One published version of a site's policy; never changed or removed (engine triggers refuse it). */
export interface PolicyVersionsTable {
  site_id: string;
  /** 1, 2, 3, … per site. */
  version: number;
  policy_json: string;
  /** `user`, `token`, `cli` or `system`. */
  author_type: string;
  author_id: string | null;
  /** An email, a token name, `cli`, `system`. */
  author_label: string;
  reason: string;
  /** `PolicyChange[]` against the previous version. */
  diff_json: string;
  created_at: number;
}

/** Server redactions of what the browser should have masked, per page pattern, element, label, place. */
export interface MaskingFailuresTable {
  site_id: string;
  page_pattern: string;
  /** '' when the element is unknown. */
  element_path: string;
  label: string;
  location: string;
  count: number;
  first_seen_at: number;
  last_seen_at: number;
}

/** A critical privacy alert: a canary value arrived unmasked. */
export interface PrivacyAlertsTable {
  id: string;
  site_id: string;
  kind: string;
  /** The canary's label (never its value). */
  label: string;
  count: number;
  session_id: string | null;
  page_pattern: string;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

/** Batches and sessions the privacy steps dropped, per site, UTC day and reason. */
export interface PrivacyDropCountsTable {
  site_id: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** `gpc`, `unsampled`, `ip_blocked`, `region_restricted`, `page_not_allowed`, `network_payload`, `error_events`, `network_metadata`, `malformed_activity`, `session_too_short`, `no_error`. */
  reason: string;
  count: number;
}

/**
 * The same drops per site, reason and UTC clock hour (migration `018_privacy_drop_hours`), for the
 * reasons an hourly alert watches (`region_restricted`); pruned after two days.
 */
export interface PrivacyDropHoursTable {
  site_id: string;
  reason: string;
  /** Start of the UTC hour (ms). */
  hour_start: number;
  count: number;
}
