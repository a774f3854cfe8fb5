import type { DeviceClass } from '@veil/core';
import type { DenseCounts } from '../../heatmap/countsBlob.js';
import type { AggregateWrite } from '../../heatmap/heatmapDeltas.js';
import type { HeatmapPlan, HeatmapSessionState } from '../../heatmap/sessionPlan.js';
import type { ReadVisitorSets, VisitorSets } from '../../heatmap/visitorSets.js';

/** Which aggregate rows a read sums: one segment key, some device classes, some time buckets. */
export interface AggregateSelection {
  devices: readonly DeviceClass[];
  segment: string;
  buckets: readonly number[];
}

export interface PageTotals {
  views: number;
  sessions: number;
  clicks: number;
  rage: number;
  dead: number;
  attentionMs: number;
  scrollViews: number;
  foldPxSum: number;
  /** Percent bin (0..100) → page views. */
  scroll: DenseCounts;
  /** Percent bin → distinct visitors whose page views reached it (`visitorSets.ts`). */
  scrollVisitors: VisitorSets;
}

/** Sessions and distinct visitors (bitmap) of one page, device class and day (a level-0 bucket). */
export interface DayCohort {
  pattern: string;
  /** The row's segment key (`segmentKey`). */
  segment: string;
  device: DeviceClass;
  day: number;
  sessions: number;
  /** `visitorBitmap.ts`; empty for rows written before visitors were counted. */
  visitors: Uint8Array;
  /** The page's rage and dead clicks of the part, and their visitors (`PAGE_SIGNAL_VISITOR_PARTS`). */
  rage: number;
  dead: number;
  signalVisitors: VisitorSets;
}

/** One UTC day (a level-0 bucket) of one device class: the part k and the minimum cohort hold on. */
export interface DayPart {
  day: number;
  device: DeviceClass;
}

/** A day part of one segment key: what a by-day read returns, one per part and key with data. */
export interface SegmentDayPart extends DayPart {
  segment: string;
}

/**
 * The rows of some days (level-0 buckets), segment and device classes, read part by part. Several
 * segment keys (a segment and its coarser segments, `heatmapRests.ts`) are read in one query, each
 * part of each key on its own.
 */
export type DaySelection = Omit<AggregateSelection, 'buckets' | 'segment'> & {
  days: readonly number[];
  segment: string | readonly string[];
};

export interface PageSummary extends Omit<PageTotals, 'scroll' | 'scrollVisitors'> {
  pattern: string;
}

export interface ElementStats {
  /** The element's id on its page (`heatmap_elements.id`). */
  id: number;
  path: string;
  clicks: number;
  sessions: number;
  rage: number;
  rageSessions: number;
  dead: number;
  deadSessions: number;
  attentionMs: number;
  attentionSessions: number;
  /** Relative cell → clicks, rage, dead. */
  grid: DenseCounts;
  /** Distinct visitors by part (`ELEMENT_VISITOR_PARTS`), unioned over the selection. */
  visitors: ReadVisitorSets;
}

/** A tile's cells, summed, with their distinct visitors (`CLICK_TILE_VISITOR_PARTS`; attention: the cell). */
export interface TileCounts extends DenseCounts {
  visitors: ReadVisitorSets;
}

export interface SnapshotRecord {
  capturedAt: number;
  source: 'replay' | 'heatmap';
  width: number;
  height: number;
  snapshotId: string;
  wrappedKey: Buffer;
  masterKeyId: string;
  payload: Buffer;
}

/** What a stored part outcome was decided for (`heatmap_day_outcomes`, `clickOutcomes.ts`). */
export interface DayOutcomeKey {
  view: 'clicks';
  segment: string;
  k: number;
  minCohort: number;
}

/** The sum of the outcomes of a multi-day bucket's parts of one device class (`clickRanges.ts`). */
export interface RangeOutcome {
  bucket: number;
  device: DeviceClass;
  outcome: Buffer;
}

/** One part's outcome and the version of its day's rows it was decided from. */
export interface DayOutcome {
  day: number;
  device: DeviceClass;
  version: number;
  outcome: Buffer;
}

/** Tile kinds of `heatmap_tiles`. */
export const TileKind = { Clicks: 0, Attention: 1 } as const;
export type TileKind = (typeof TileKind)[keyof typeof TileKind];

export type HeatmapIngestOutcome = HeatmapPlan['outcome'] | 'conflict';

export interface HeatmapRepository {
  /**
   * In one transaction, holding the session's counting state (other batches of the session wait):
   * runs `plan` on the stored state, adds its aggregate writes and stores the new state.
   * `conflict` when the session id belongs to another site (nothing changes).
   */
  ingest(
    key: { sessionId: string; siteId: string },
    plan: (state: HeatmapSessionState | undefined) => HeatmapPlan,
    now: number,
  ): Promise<{ outcome: HeatmapIngestOutcome; state: HeatmapSessionState | undefined }>;
  /** Adds aggregate writes outside any session (what ingest does inside its transaction; the benchmark). */
  addAggregates(siteId: string, writes: readonly AggregateWrite[], now: number): Promise<void>;
  /** True when the session has counting state (a batch without heatmap events may still release held ones). */
  hasSession(sessionId: string): Promise<boolean>;
  /**
   * `hasSession` for the ingest hot path (step `aggregate`): remembered per session for at most
   * `INGEST_READ_TTL_MS`; `ingest` drops its session's entry, deleting counting state every entry.
   * State made by another process on the same database is seen within `INGEST_READ_TTL_MS` (a
   * batch without heatmap events then only waits to release held events).
   */
  hasSessionCached(sessionId: string): Promise<boolean>;
  pageId(siteId: string, pattern: string): Promise<number | undefined>;
  /** Every page of the site with data in the selection. */
  pages(siteId: string, selection: AggregateSelection): Promise<PageSummary[]>;
  totals(pageId: number, selection: AggregateSelection): Promise<PageTotals>;
  /**
   * The day rows (one per page, device class and day with data) of the site's pages, or of one
   * page pattern, for the selection's segment and device classes over `days`.
   */
  dayCohorts(
    siteId: string,
    pattern: string | null,
    selection: Omit<AggregateSelection, 'buckets' | 'segment'> & {
      days: readonly number[];
      /** One segment key, or every key that starts with `prefix` (the values of one dimension). */
      segment: string | { prefix: string };
    },
  ): Promise<DayCohort[]>;
  elements(pageId: number, selection: AggregateSelection): Promise<ElementStats[]>;
  /** The page's element paths by element id. */
  elementPaths(pageId: number): Promise<Map<number, string>>;
  /**
   * The elements of each day, device class and segment key with data (level-0 buckets, not summed
   * across parts).
   */
  elementsByDay(
    pageId: number,
    selection: DaySelection,
  ): Promise<Array<SegmentDayPart & { elements: ElementStats[] }>>;
  /** The tiles of each day, device class and segment key with data, as `tiles` sums them. */
  tilesByDay(
    pageId: number,
    kind: TileKind,
    selection: DaySelection,
  ): Promise<Array<SegmentDayPart & { tiles: Map<number, TileCounts> }>>;
  /** The scroll-depth histogram and its visitors of each day, device class and segment key with data. */
  scrollByDay(
    pageId: number,
    selection: DaySelection,
  ): Promise<Array<SegmentDayPart & Pick<PageTotals, 'scroll' | 'scrollVisitors'>>>;
  /** Tile → cell index → counters, summed over the selection, with the cells' distinct visitors. */
  tiles(pageId: number, kind: TileKind, selection: AggregateSelection): Promise<Map<number, TileCounts>>;
  snapshotCapturedAt(siteId: string, pattern: string, device: DeviceClass): Promise<number | undefined>;
  putSnapshot(
    siteId: string,
    pattern: string,
    device: DeviceClass,
    snapshot: SnapshotRecord,
    now: number,
  ): Promise<void>;
  snapshot(pageId: number, device: DeviceClass): Promise<SnapshotRecord | undefined>;
  /** Each day's version on the page (`heatmap_day_versions`); a day never written is 0. */
  dayVersions(pageId: number, days: readonly number[]): Promise<Map<number, number>>;
  /**
   * The stored outcomes of these days and device classes that are still current (decided at the
   * day's version), by `${day}\u0000${device}`.
   */
  dayOutcomes(
    pageId: number,
    key: DayOutcomeKey,
    devices: readonly DeviceClass[],
    days: readonly number[],
  ): Promise<Map<string, { version: number; outcome: Buffer }>>;
  /** Stores outcomes, each decided from rows read at `version` of its day (replacing older ones). */
  putDayOutcomes(pageId: number, key: DayOutcomeKey, outcomes: readonly DayOutcome[]): Promise<void>;
  /**
   * The stored range outcomes (`clickRanges.ts`) of these multi-day buckets and device classes, by
   * `${bucket}\u0000${device}`, current or not: each names the day versions it was summed from.
   */
  rangeOutcomes(
    pageId: number,
    key: DayOutcomeKey,
    devices: readonly DeviceClass[],
    buckets: readonly number[],
  ): Promise<Map<string, Buffer>>;
  /** Stores range outcomes (replacing older ones of the same bucket and device class). */
  putRangeOutcomes(pageId: number, key: DayOutcomeKey, outcomes: readonly RangeOutcome[]): Promise<void>;
  /** Deletes counting state of sessions idle since before `before`; returns how many. */
  deleteIdleSessions(before: number, limit: number): Promise<number>;
  /** Deletes the counting state of these sessions (erasure); the anonymous aggregates stay. */
  deleteSessions(sessionIds: readonly string[]): Promise<number>;
}
