/**
 * Alert tables (migration `007_alerts`): alerts (the dashboard inbox), the sinks that notify
 * people (webhook, e-mail; their secrets sealed under the master key) and every delivery attempt.
 * None holds a recorded value: alerts carry kinds, labels, element paths, patterns and counts.
 */
export interface AlertTables {
  alerts: AlertsTable;
  alert_sinks: AlertSinksTable;
  alert_deliveries: AlertDeliveriesTable;
}

export interface AlertsTable {
  id: string;
  site_id: string;
  kind: string;
  /** What makes two alerts the same one (kind + subject); duplicates fold into one row. */
  fingerprint: string;
  /** `fingerprint` while the alert is not resolved, null after: one unresolved alert per fingerprint. */
  open_fingerprint: string | null;
  severity: string;
  summary: string;
  /** `AlertDetails` as JSON. */
  details_json: string;
  /** How many times it was raised (1 + folded duplicates). */
  occurrences: number;
  /** `open`, `acknowledged`, `resolved`. */
  status: string;
  first_seen_at: number;
  last_seen_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
}

export interface AlertSinksTable {
  id: string;
  site_id: string;
  /** Unique per site; policy routes name sinks by it. */
  name: string;
  /** `webhook` or `email`. */
  type: string;
  /** What may be shown: the webhook's host; the mail server, sender and recipients. */
  settings_json: string;
  /** The secret part (webhook URL and signing secret; SMTP password), sealed (`sinkSecretBox.ts`). */
  secret_box: Buffer;
  /** 1 or 0. */
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface AlertDeliveriesTable {
  id: string;
  site_id: string;
  sink_id: string;
  /** `alert` (one alert) or `digest` (several held alerts at once). */
  kind: string;
  /** The alert of an `alert` delivery (null for a digest). */
  alert_id: string | null;
  /** The alerts a digest covers (JSON array of ids; `[]` for an alert delivery). */
  digest_alert_ids: string;
  /** `pending`, `held` (over the rate limit, waits for a digest), `digested`, `delivered`, `failed`. */
  status: string;
  attempts: number;
  /** When the next attempt may start (pending), or the lease of a running one. */
  next_attempt_at: number;
  last_error: string | null;
  /** The receiver's HTTP status or the SMTP reply code of the last attempt. */
  last_response: string | null;
  created_at: number;
  delivered_at: number | null;
}
