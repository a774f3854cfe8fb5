import {
  bucketsCovering,
  cellOfTile,
  type DeviceClass,
  ELEMENT_GRID_CELLS,
  kAnonymous,
  PAGE_CELL_PX,
  type SegmentFilter,
  segmentKey,
} from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import {
  type AggregateSelection,
  type DayCohort,
  type PageTotals,
  TileKind,
} from '../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../storage/Store.js';
import type { DenseCounts } from './countsBlob.js';
import { emptyVisitorBitmap, orVisitorBitmap, visitorCount } from './visitorBitmap.js';

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
  /** Minimum cohort in distinct visitors (`VEIL_HEATMAP_MIN_COHORT`), see `cohortAllows`. */
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
  /** Elements and cells withheld because fewer than k sessions contributed. */
  suppressed: { elements: number; cells: number };
}

/**
 * The minimum cohort: a query adds up days (and, for the page list, device classes); each day and
 * device class with data must hold at least `min` distinct visitors, and so must the whole. Then
 * any two queries differ by whole days or device classes of at least `min` visitors each, so
 * neither narrowing a segment nor differencing overlapping date ranges or device sets isolates
 * one person. Visitors are counted from bitmaps whose set bits never exceed the true number
 * (`visitorBitmap.ts`): an error can only refuse.
 */
export function cohortAllows(rows: readonly DayCohort[], min: number): boolean {
  const parts = new Map<string, { sessions: number; visitors: Uint8Array }>();
  for (const r of rows) {
    const key = `${r.device}\u0000${r.day}`;
    const part = parts.get(key) ?? { sessions: 0, visitors: emptyVisitorBitmap() };
    part.sessions += r.sessions;
    orVisitorBitmap(part.visitors, r.visitors);
    parts.set(key, part);
  }
  const all = emptyVisitorBitmap();
  for (const part of parts.values()) {
    if (part.sessions <= 0) continue;
    if (visitorCount(part.visitors) < min) return false;
    orVisitorBitmap(all, part.visitors);
  }
  return visitorCount(all) >= min;
}

function daysOf(q: Pick<HeatmapQuery, 'fromDay' | 'toDay'>): number[] {
  const days: number[] = [];
  for (let d = q.fromDay; d <= q.toDay; d++) days.push(d);
  return days;
}

/** Refuses the whole query (422 `cohort_too_small`) unless its cohort is large enough. */
async function requireCohort(store: Store, q: Omit<HeatmapQuery, 'pattern'>, pattern: string | null) {
  const rows = await store.heatmaps.dayCohorts(q.siteId, pattern, {
    devices: q.devices,
    segment: segmentKey(q.filter),
    days: daysOf(q),
  });
  if (!cohortAllows(rows, q.minCohort)) {
    throw new VeilError(
      'cohort_too_small',
      `fewer than ${q.minCohort} distinct visitors on a day or device class of this query: widen the date range, device classes or segment`,
    );
  }
  return rows;
}

export function selectionOf(q: HeatmapQuery): AggregateSelection {
  return { devices: q.devices, segment: segmentKey(q.filter), buckets: bucketsCovering(q.fromDay, q.toDay) };
}

const keep = (count: number, sessions: number, k: number): number => (sessions >= k ? Math.max(0, count) : 0);

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
  await requireCohort(store, q, q.pattern);
  const sel = selectionOf(q);
  const [totals, elements, tiles] = await Promise.all([
    store.heatmaps.totals(pageId, sel),
    store.heatmaps.elements(pageId, sel),
    store.heatmaps.tiles(pageId, TileKind.Clicks, sel),
  ]);
  const visible = visibleTotals(totals, q.k);
  const base = { totals: visible, cellPx: PAGE_CELL_PX, elementGridCells: ELEMENT_GRID_CELLS };
  if (totals.sessions < q.k) {
    return {
      ...base,
      elements: [],
      cells: [],
      suppressed: { elements: elements.length, cells: countCells(tiles) },
    };
  }
  const clicked = elements.filter((e) => e.clicks > 0);
  const shownElements = kAnonymous(clicked, (e) => e.sessions, q.k);
  const out: ElementClicks[] = shownElements.shown
    .map((e) => {
      const rageOk = e.rageSessions >= q.k;
      const deadOk = e.deadSessions >= q.k;
      return {
        path: e.path,
        clicks: e.clicks,
        share: totals.clicks > 0 ? e.clicks / totals.clicks : 0,
        sessions: e.sessions,
        rage: rageOk ? e.rage : 0,
        dead: deadOk ? e.dead : 0,
        grid: gridEntries(e.grid, rageOk, deadOk),
      };
    })
    .sort((a, b) => b.clicks - a.clicks || a.path.localeCompare(b.path));

  const cells: ClickHeatmap['cells'] = [];
  let suppressedCells = 0;
  for (const [tile, counts] of tiles) {
    const v = counts.values;
    for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
      const clicks = v[at]!;
      if (clicks <= 0) continue;
      const sessions = v[at + 1]!;
      const rage = v[at + 2]!;
      const rageSessions = v[at + 3]!;
      const dead = v[at + 4]!;
      const deadSessions = v[at + 5]!;
      if (sessions < q.k) {
        suppressedCells++;
        continue;
      }
      const { cx, cy } = cellOfTile(tile, index);
      cells.push([cx, cy, clicks, keep(rage, rageSessions, q.k), keep(dead, deadSessions, q.k)]);
    }
  }
  cells.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    ...base,
    elements: out,
    cells,
    suppressed: { elements: shownElements.suppressed, cells: suppressedCells },
  };
}

function countCells(tiles: Map<number, DenseCounts>): number {
  let n = 0;
  for (const counts of tiles.values()) {
    for (let at = 0; at < counts.values.length; at += counts.metrics) if (counts.values[at]! > 0) n++;
  }
  return n;
}

function gridEntries(
  grid: DenseCounts,
  rageOk: boolean,
  deadOk: boolean,
): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  const v = grid.values;
  for (let cell = 0, at = 0; cell < grid.size; cell++, at += grid.metrics) {
    if (v[at]! > 0)
      out.push([cell, v[at]!, rageOk ? Math.max(0, v[at + 1]!) : 0, deadOk ? Math.max(0, v[at + 2]!) : 0]);
  }
  return out;
}

export interface ScrollHeatmap {
  /** Page views that reported how far they scrolled. */
  views: number;
  sessions: number;
  /** Average fold (viewport height), CSS px. */
  averageFoldPx: number;
  /** `reach[d]`: the share of page views that reached at least d % of the page (0..100). */
  reach: number[];
}

/** Scroll depth: the share of page views reaching each depth, with the average fold. */
export async function scrollHeatmap(store: Store, q: HeatmapQuery): Promise<ScrollHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  await requireCohort(store, q, q.pattern);
  const t = await store.heatmaps.totals(pageId, selectionOf(q));
  if (t.sessions < q.k || t.scrollViews <= 0) return { views: 0, sessions: 0, averageFoldPx: 0, reach: [] };
  const bins = new Array<number>(101).fill(0);
  for (let bin = 0; bin <= 100; bin++) bins[bin] = Math.max(0, t.scroll.values[bin] ?? 0);
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
}

/** Attention: pointer dwell by page cell and by element, k-anonymous. */
export async function attentionHeatmap(store: Store, q: HeatmapQuery): Promise<AttentionHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  await requireCohort(store, q, q.pattern);
  const sel = selectionOf(q);
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
      if (!pageOk || sessions < q.k) {
        suppressedCells++;
        continue;
      }
      const { cx, cy } = cellOfTile(tile, index);
      cells.push([cx, cy, Math.round(ms)]);
    }
  }
  const dwelt = elements.filter((e) => e.attentionMs > 0);
  const shown = pageOk
    ? kAnonymous(dwelt, (e) => e.attentionSessions, q.k)
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
  };
}

export interface PageListEntry extends HeatmapTotals {
  pattern: string;
}

/**
 * The site's pages with heatmap data in the range, by page views. The whole list is refused when
 * the site's cohort in the segment is too small; pages below the minimum cohort or below k
 * sessions are left out.
 */
export async function heatmapPages(
  store: Store,
  q: Omit<HeatmapQuery, 'pattern'>,
): Promise<{ pages: PageListEntry[]; suppressed: number }> {
  const cohorts = await requireCohort(store, q, null);
  const byPage = new Map<string, DayCohort[]>();
  for (const row of cohorts) byPage.set(row.pattern, [...(byPage.get(row.pattern) ?? []), row]);
  const rows = await store.heatmaps.pages(q.siteId, selectionOf({ ...q, pattern: '' }));
  const { shown, suppressed } = kAnonymous(
    rows,
    (r) => (cohortAllows(byPage.get(r.pattern) ?? [], q.minCohort) ? r.sessions : 0),
    q.k,
  );
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
  };
}
