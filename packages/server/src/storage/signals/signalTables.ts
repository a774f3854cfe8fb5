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

/**
 * `session_funnels`: one row per replayable session with what funnels read of it, kept up to date
 * at ingest (signals step, batch by batch): its page views and clicks in order (`encodeFunnelItems`), and what a
 * funnel selects sessions by. Keyed by (site, day, session) so a funnel reads one range.
 */
export interface SessionFunnelsTable {
  session_id: string;
  site_id: string;
  /** UTC day (`utcDay`) of `received_at`. */
  day: number;
  /** When Veil first received the session (its `created_at`, server clock). */
  received_at: number;
  device_class: string | null;
  /** The visitor id, or `session:<id>` for a session without one (its own visitor). */
  visitor: string;
  /** `encodeFunnelItems` of its page views and clicks. */
  items: string;
}

/**
 * `session_funnel_sources`: the page views and clicks a session's `session_funnels` row is merged
 * from, batch by batch (`funnelSequenceWrites.ts`).
 */
export interface SessionFunnelSourcesTable {
  session_id: string;
  /** JSON array of `FunnelSource`s in order, up to the last one that can still be an item. */
  sources: string;
}

export interface SignalTables {
  session_signals: SessionSignalsTable;
  session_clicks: SessionClicksTable;
  session_funnels: SessionFunnelsTable;
  session_funnel_sources: SessionFunnelSourcesTable;
}
