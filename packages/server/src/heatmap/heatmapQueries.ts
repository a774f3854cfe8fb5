import {
  bucketsCoveringDays,
  cellOfTile,
  type DeviceClass,
  ELEMENT_GRID_CELLS,
  kAnonymous,
  PAGE_CELL_PX,
  type SegmentFilter,
  segmentKey,
} from '@veil/core';
import {
  type AggregateSelection,
  type ElementStats,
  type PageTotals,
  type TileCounts,
  TileKind,
} from '../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../storage/Store.js';
import { type CohortDays, cohortDays, isoDay, requireCohort } from './heatmapCohort.js';
import { CLICK_TILE_VISITOR_PARTS, ELEMENT_VISITOR_PARTS, visitorsOf } from './visitorSets.js';

/** One heatmap question: a page of a site, device classes, a day range (UTC) and a segment. */
export interface HeatmapQuery {
  siteId: string;
  /** A page pattern (`/orders/:id`). */
  pattern: string;
  devices: readonly DeviceClass[];
  fromDay: number;
  toDay: number;
  filter: SegmentFilter;
  /** k of k-anonymity (the site's `heatmapMinSessions`). */
  k: number;
  /** Minimum cohort in distinct visitors (`VEIL_HEATMAP_MIN_COHORT`), see `heatmapCohort.ts`. */
  minCohort: number;
}

export interface HeatmapTotals {
  views: number;
  sessions: number;
  clicks: number;
  rage: number;
  dead: number;
}

export interface ElementClicks {
  path: string;
  clicks: number;
  /** Of all clicks on the page. */
  share: number;
  sessions: number;
  /** Shown when at least k sessions rage-clicked (dead-clicked) it, else 0. */
  rage: number;
  dead: number;
  /** `[cell, clicks, rage, dead]` on the element's `ELEMENT_GRID_CELLS`² grid (row-major). */
  grid: Array<[number, number, number, number]>;
}

export interface ClickHeatmap {
  totals: HeatmapTotals;
  cellPx: number;
  elementGridCells: number;
  /** By clicks, most first. */
  elements: ElementClicks[];
  /** `[cellX, cellY, clicks, rage, dead]` in page cells of `cellPx`. */
  cells: Array<[number, number, number, number, number]>;
  /** Elements, page cells and element grid cells withheld: fewer than k sessions or k distinct visitors. */
  suppressed: { elements: number; cells: number; gridCells: number };
  /** Days left out of the answer (`heatmapCohort.ts`), `YYYY-MM-DD`. */
  withheldDays: string[];
}

/** The rows an answer reads: the query's segment and device classes on its released days only. */
export function selectionOf(q: Omit<HeatmapQuery, 'pattern'>, days: CohortDays): AggregateSelection {
  return { devices: q.devices, segment: segmentKey(q.filter), buckets: bucketsCoveringDays(days.released) };
}

/** The days an answer left out (`YYYY-MM-DD`), as every heatmap answer names them. */
const withheldOf = (days: CohortDays) => ({ withheldDays: days.withheld.map(isoDay) });

/**
 * k of an element or cell: at least k sessions and k distinct visitors (`visitorSets.ts`, a lower
 * bound) contributed, so one visitor's many sessions never open it.
 */
const kOk = (sessions: number, visitors: number, k: number): boolean => sessions >= k && visitors >= k;

const emptyTotals = (): HeatmapTotals => ({ views: 0, sessions: 0, clicks: 0, rage: 0, dead: 0 });

function visibleTotals(t: PageTotals, k: number): HeatmapTotals {
  if (t.sessions < k) return emptyTotals();
  return { views: t.views, sessions: t.sessions, clicks: t.clicks, rage: t.rage, dead: t.dead };
}

/**
 * The click heatmap of a page (also its rage and dead maps): elements with their relative grids,
 * ranked, and page cells, read from the aggregates and filtered by k-anonymity. Undefined when
 * the site has no such page.
 */
export async function clickHeatmap(store: Store, q: HeatmapQuery): Promise<ClickHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const sel = selectionOf(q, days);
  const [totals, elements, tiles] = await Promise.all([
    store.heatmaps.totals(pageId, sel),
    store.heatmaps.elements(pageId, sel),
    store.heatmaps.tiles(pageId, TileKind.Clicks, sel),
  ]);
  const visible = visibleTotals(totals, q.k);
  const base = {
    totals: visible,
    cellPx: PAGE_CELL_PX,
    elementGridCells: ELEMENT_GRID_CELLS,
    ...withheldOf(days),
  };
  if (totals.sessions < q.k) {
    return {
      ...base,
      elements: [],
      cells: [],
      suppressed: { elements: elements.length, cells: countCells(tiles), gridCells: 0 },
    };
  }
  const clicked = elements.filter((e) => e.clicks > 0);
  const shownElements = kAnonymous(
    clicked,
    (e) => (kOk(e.sessions, visitorsOf(e.visitors, ELEMENT_VISITOR_PARTS.clicks), q.k) ? q.k : 0),
    q.k,
  );
  let suppressedGrid = 0;
  const out: ElementClicks[] = shownElements.shown
    .map((e) => {
      const rageOk = kOk(e.rageSessions, visitorsOf(e.visitors, ELEMENT_VISITOR_PARTS.rage), q.k);
      const deadOk = kOk(e.deadSessions, visitorsOf(e.visitors, ELEMENT_VISITOR_PARTS.dead), q.k);
      const grid = gridEntries(e, q.k, rageOk, deadOk);
      suppressedGrid += grid.suppressed;
      return {
        path: e.path,
        clicks: e.clicks,
        share: totals.clicks > 0 ? e.clicks / totals.clicks : 0,
        sessions: e.sessions,
        rage: rageOk ? e.rage : 0,
        dead: deadOk ? e.dead : 0,
        grid: grid.shown,
      };
    })
    .sort((a, b) => b.clicks - a.clicks || a.path.localeCompare(b.path));

  const cells: ClickHeatmap['cells'] = [];
  let suppressedCells = 0;
  const P = CLICK_TILE_VISITOR_PARTS;
  for (const [tile, counts] of tiles) {
    const v = counts.values;
    const who = counts.visitors;
    for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
      const clicks = v[at]!;
      if (clicks <= 0) continue;
      const sessions = v[at + 1]!;
      const rage = v[at + 2]!;
      const rageSessions = v[at + 3]!;
      const dead = v[at + 4]!;
      const deadSessions = v[at + 5]!;
      if (!kOk(sessions, visitorsOf(who, P.clicks + index), q.k)) {
        suppressedCells++;
        continue;
      }
      const { cx, cy } = cellOfTile(tile, index);
      const rageOk = kOk(rageSessions, visitorsOf(who, P.rage + index), q.k);
      const deadOk = kOk(deadSessions, visitorsOf(who, P.dead + index), q.k);
      cells.push([cx, cy, clicks, rageOk ? Math.max(0, rage) : 0, deadOk ? Math.max(0, dead) : 0]);
    }
  }
  cells.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    ...base,
    elements: out,
    cells,
    suppressed: { elements: shownElements.suppressed, cells: suppressedCells, gridCells: suppressedGrid },
  };
}

function countCells(tiles: Map<number, TileCounts>): number {
  let n = 0;
  for (const counts of tiles.values()) {
    for (let at = 0; at < counts.values.length; at += counts.metrics) if (counts.values[at]! > 0) n++;
  }
  return n;
}

/** An element's relative grid: cells fewer than k distinct visitors clicked are withheld. */
function gridEntries(
  e: Pick<ElementStats, 'grid' | 'visitors'>,
  k: number,
  rageOk: boolean,
  deadOk: boolean,
): { shown: Array<[number, number, number, number]>; suppressed: number } {
  const shown: Array<[number, number, number, number]> = [];
  let suppressed = 0;
  const { grid } = e;
  const v = grid.values;
  for (let cell = 0, at = 0; cell < grid.size; cell++, at += grid.metrics) {
    if (v[at]! <= 0) continue;
    if (visitorsOf(e.visitors, ELEMENT_VISITOR_PARTS.grid + cell) < k) {
      suppressed++;
      continue;
    }
    shown.push([cell, v[at]!, rageOk ? Math.max(0, v[at + 1]!) : 0, deadOk ? Math.max(0, v[at + 2]!) : 0]);
  }
  return { shown, suppressed };
}

export interface ScrollHeatmap {
  /** Page views that reported how far they scrolled. */
  views: number;
  sessions: number;
  /** Average fold (viewport height), CSS px. */
  averageFoldPx: number;
  /**
   * `reach[d]`: the share of page views that reached at least d % of the page (0..100). Depths
   * fewer than k distinct visitors reached are cut: those page views count at the deepest depth
   * k visitors reached, and deeper entries are 0.
   */
  reach: number[];
  withheldDays: string[];
}

/** Scroll depth: the share of page views reaching each depth, with the average fold. */
export async function scrollHeatmap(store: Store, q: HeatmapQuery): Promise<ScrollHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const t = await store.heatmaps.totals(pageId, selectionOf(q, days));
  const empty = { views: 0, sessions: 0, averageFoldPx: 0, reach: [], ...withheldOf(days) };
  if (t.sessions < q.k || t.scrollViews <= 0) return empty;
  // The deepest depth at least k distinct visitors reached (visitors of that bin or deeper).
  const reached = new Set<number>();
  let cut = -1;
  for (let bin = 100; bin >= 0; bin--) {
    for (const b of t.scrollVisitors.get(bin) ?? []) reached.add(b);
    if (reached.size >= q.k) {
      cut = bin;
      break;
    }
  }
  if (cut < 0) return empty;
  const bins = new Array<number>(101).fill(0);
  for (let bin = 0; bin <= 100; bin++) bins[Math.min(bin, cut)]! += Math.max(0, t.scroll.values[bin] ?? 0);
  const total = bins.reduce((s, v) => s + v, 0);
  const reach = new Array<number>(101).fill(0);
  let atLeast = 0;
  for (let d = 100; d >= 0; d--) {
    atLeast += bins[d]!;
    reach[d] = total > 0 ? atLeast / total : 0;
  }
  return {
    views: t.scrollViews,
    sessions: t.sessions,
    averageFoldPx: Math.round(t.foldPxSum / t.scrollViews),
    reach,
    ...withheldOf(days),
  };
}

export interface AttentionHeatmap {
  totalMs: number;
  cellPx: number;
  /** `[cellX, cellY, milliseconds]` */
  cells: Array<[number, number, number]>;
  /** By dwell, most first. */
  elements: Array<{ path: string; ms: number; share: number; sessions: number }>;
  suppressed: { elements: number; cells: number };
  withheldDays: string[];
}

/** Attention: pointer dwell by page cell and by element, k-anonymous. */
export async function attentionHeatmap(store: Store, q: HeatmapQuery): Promise<AttentionHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const sel = selectionOf(q, days);
  const [totals, elements, tiles] = await Promise.all([
    store.heatmaps.totals(pageId, sel),
    store.heatmaps.elements(pageId, sel),
    store.heatmaps.tiles(pageId, TileKind.Attention, sel),
  ]);
  const pageOk = totals.sessions >= q.k;
  const cells: AttentionHeatmap['cells'] = [];
  let suppressedCells = 0;
  for (const [tile, counts] of tiles) {
    for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
      const ms = counts.values[at]!;
      const sessions = counts.values[at + 1]!;
      if (ms <= 0) continue;
      if (!pageOk || !kOk(sessions, visitorsOf(counts.visitors, index), q.k)) {
        suppressedCells++;
        continue;
      }
      const { cx, cy } = cellOfTile(tile, index);
      cells.push([cx, cy, Math.round(ms)]);
    }
  }
  const dwelt = elements.filter((e) => e.attentionMs > 0);
  const shown = pageOk
    ? kAnonymous(
        dwelt,
        (e) =>
          kOk(e.attentionSessions, visitorsOf(e.visitors, ELEMENT_VISITOR_PARTS.attention), q.k) ? q.k : 0,
        q.k,
      )
    : { shown: [], suppressed: dwelt.length };
  return {
    totalMs: pageOk ? Math.round(totals.attentionMs) : 0,
    cellPx: PAGE_CELL_PX,
    cells,
    elements: shown.shown
      .map((e) => ({
        path: e.path,
        ms: Math.round(e.attentionMs),
        share: totals.attentionMs > 0 ? e.attentionMs / totals.attentionMs : 0,
        sessions: e.attentionSessions,
      }))
      .sort((a, b) => b.ms - a.ms || a.path.localeCompare(b.path)),
    suppressed: { elements: shown.suppressed, cells: suppressedCells },
    ...withheldOf(days),
  };
}

export interface PageListEntry extends HeatmapTotals {
  pattern: string;
}

/**
 * The site's pages with heatmap data in the range, by page views, over the days released for the
 * whole site (`heatmapCohort.ts`; refused when none is). A page that would withhold one of those
 * days of its own, or that fewer than k sessions visited, is left out.
 */
export async function heatmapPages(
  store: Store,
  q: Omit<HeatmapQuery, 'pattern'>,
): Promise<{ pages: PageListEntry[]; suppressed: number; withheldDays: string[] }> {
  const site = await requireCohort(store, q, null);
  const released = new Set(site.released);
  const onReleased = <T extends { day: number }>(rows: readonly T[]) =>
    rows.filter((r) => released.has(r.day));
  const byPage = <T extends { pattern: string; day: number }>(rows: readonly T[], pattern: string) =>
    onReleased(rows.filter((r) => r.pattern === pattern));
  const pageOk = (pattern: string) =>
    cohortDays(
      byPage(site.segment, pattern),
      site.coarser.map((rows) => byPage(rows, pattern)),
      q.devices,
      q.minCohort,
    ).withheld.length === 0;
  const rows = await store.heatmaps.pages(q.siteId, selectionOf(q, site));
  const { shown, suppressed } = kAnonymous(rows, (r) => (pageOk(r.pattern) ? r.sessions : 0), q.k);
  return {
    pages: shown
      .map((r) => ({
        pattern: r.pattern,
        views: r.views,
        sessions: r.sessions,
        clicks: r.clicks,
        rage: r.rage,
        dead: r.dead,
      }))
      .sort((a, b) => b.views - a.views || b.clicks - a.clicks || a.pattern.localeCompare(b.pattern)),
    suppressed,
    ...withheldOf(site),
  };
}
