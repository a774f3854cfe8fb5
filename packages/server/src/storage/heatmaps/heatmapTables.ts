import type { Generated } from 'kysely';

/**
 * Heatmap tables (migration `004_heatmap_aggregates`). Aggregates are counted at ingest and never
 * derived from raw events at query time. Every aggregate row is keyed by page, device class,
 * segment key (`segmentKey`), time bucket (`bucketId`) and its cell or element, so that a query
 * reads one segment key and a handful of buckets.
 */
export interface HeatmapTables {
  heatmap_pages: HeatmapPagesTable;
  heatmap_elements: HeatmapElementsTable;
  heatmap_totals: HeatmapTotalsTable;
  heatmap_element_stats: HeatmapElementStatsTable;
  heatmap_tiles: HeatmapTilesTable;
  heatmap_sessions: HeatmapSessionsTable;
  heatmap_snapshots: HeatmapSnapshotsTable;
  heatmap_day_versions: HeatmapDayVersionsTable;
  heatmap_day_outcomes: HeatmapDayOutcomesTable;
}

/** One page pattern of a site (`/orders/:id`). */
export interface HeatmapPagesTable {
  id: Generated<number>;
  site_id: string;
  pattern: string;
  created_at: number;
}

/** One element path of a page. */
export interface HeatmapElementsTable {
  id: Generated<number>;
  page_id: number;
  path: string;
}

interface AggregateKey {
  page_id: number;
  device: string;
  segment: string;
  bucket: number;
}

/** Page totals and the scroll-depth histogram. */
export interface HeatmapTotalsTable extends AggregateKey {
  views: number;
  sessions: number;
  clicks: number;
  rage: number;
  dead: number;
  attention_ms: number;
  scroll_views: number;
  fold_px_sum: number;
  /** `countsBlob`: percent bin → page views. */
  scroll: Buffer;
  /** Distinct visitors as a bitmap (`visitorBitmap.ts`); null in rows written before migration 016. */
  visitors: Buffer | null;
  /** Scroll-depth bin → distinct visitors (`visitorSets.ts`); null before migration 020 or without any. */
  scroll_visitors: Buffer | null;
  /** Rage (part 0) and dead (part 1) clicks → distinct visitors (`visitorSets.ts`); null before migration 022 or without any. */
  signal_visitors: Buffer | null;
}

/**
 * Clicks and attention of one element, with its relative click grid. The counters are blobs
 * rather than columns: an element heatmap reads thousands of these rows, and two small blobs per
 * row read several times faster than a dozen columns.
 */
export interface HeatmapElementStatsTable extends AggregateKey {
  element_id: number;
  /** `countsBlob` with one entry (index 0): `ELEMENT_STATS_METRICS`. */
  stats: Buffer;
  /** `countsBlob`: relative cell → clicks, rage, dead. */
  grid: Buffer;
  /** Distinct visitors of its clicks, rage, dead clicks, dwell and grid cells (`visitorSets.ts`); null before migration 020. */
  visitors: Buffer | null;
}

/** A tile of page-coordinate cells: kind 0 clicks (`CLICK_METRICS`), 1 attention (`ATTENTION_METRICS`). */
export interface HeatmapTilesTable extends AggregateKey {
  kind: number;
  tile: number;
  counts: Buffer;
  /** Distinct visitors per page cell (`visitorSets.ts`); null before migration 020. */
  visitors: Buffer | null;
}

/** What counting needs of a session while it lasts (deleted a day after its last batch). */
export interface HeatmapSessionsTable {
  session_id: string;
  site_id: string;
  status: string;
  reason: string | null;
  day: number;
  first_ts: number;
  last_ts: number;
  last_received_at: number;
  device: string | null;
  mode: string;
  segment_json: string | null;
  seen_json: string;
  seqs_json: string;
  pending_json: string;
}

/** The representative, text-free layout of a page for one device class, sealed like a chunk. */
export interface HeatmapSnapshotsTable {
  page_id: number;
  device: string;
  captured_at: number;
  /** `replay` (a masked copy of a session's snapshot) or `heatmap` (heatmap-only capture). */
  source: string;
  width: number;
  height: number;
  /** Associated data of the sealed values: binds key and payload to this snapshot. */
  snapshot_id: string;
  wrapped_key: Buffer;
  master_key_id: string;
  /** AES-256-GCM of the gzipped JSON node tree. */
  payload: Buffer;
}

/**
 * A day's version on a page (migration 023): bumped by every aggregate write to the page's day
 * (level-0 bucket) rows, so that an outcome decided from older rows is never read again.
 */
export interface HeatmapDayVersionsTable {
  page_id: number;
  /** A level-0 bucket (`bucketId(0, day)`). */
  bucket: number;
  version: number;
}

/**
 * One part's decided outcome (`clickOutcomes.ts`): a day (level-0 bucket) of one device class of a
 * segment, for one view at one k and minimum cohort, valid while the day's version is `version`.
 */
export interface HeatmapDayOutcomesTable {
  page_id: number;
  bucket: number;
  device: string;
  segment: string;
  /** The view decided (`clicks`). */
  view: string;
  k: number;
  min_cohort: number;
  version: number;
  outcome: Buffer;
}
