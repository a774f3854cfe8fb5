/**
 * `session_signals`: one row per replayable session with its frustration and error signal counts,
 * counted at ingest (never by reading recordings at query time), and the small state counting
 * needs between batches. Deleted with its session (purge, erasure, discard).
 */
export interface SessionSignalsTable {
  session_id: string;
  site_id: string;
  rage_clicks: number;
  dead_clicks: number;
  quick_backs: number;
  excessive_scrolls: number;
  error_clicks: number;
  js_errors: number;
  failed_requests: number;
  /** `SessionSignalState` as JSON. */
  state_json: string;
  /** Batch sequence numbers already counted, as a JSON array (ingest is idempotent by seq). */
  seqs_json: string;
  updated_at: number;
}

/** `session_clicks`: each click on an element of a replayable session (funnel steps may need one). */
export interface SessionClicksTable {
  session_id: string;
  seq: number;
  /** Position of the click within its batch. */
  idx: number;
  site_id: string;
  ts: number;
  /** URL path of the page clicked on. */
  page: string;
  /** Element path, as heatmaps name elements. */
  element: string;
}

export interface SignalTables {
  session_signals: SessionSignalsTable;
  session_clicks: SessionClicksTable;
}
