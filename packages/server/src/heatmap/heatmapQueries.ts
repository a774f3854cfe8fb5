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
  type DayCohort,
  type DaySelection,
  type ElementStats,
  type PageTotals,
  type TileCounts,
  TileKind,
} from '../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../storage/Store.js';
import { type ClickOutcomes, clickOutcome, familyIndex, GRID_SIZE, indexed, kOk } from './clickOutcomes.js';
import { sumClickParts } from './clickRanges.js';
import { type CohortDays, cohortDays, isoDay, requireCohort, type SegmentFamily } from './heatmapCohort.js';
import { partsWithRests, restKeys, restOk, restScrollCut } from './heatmapRests.js';
import {
  type FamilyRelease,
  type Figure,
  familyReadKeys,
  familyReleases,
  sumsOk,
  sumsScrollCut,
} from './heatmapSums.js';
import { type PageSignals, pageSignals, type SignalRows } from './pageSignals.js';
import { ELEMENT_VISITOR_PARTS, type VisitorSets, visitorsOf } from './visitorSets.js';

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

const emptyTotals = (): HeatmapTotals => ({ views: 0, sessions: 0, clicks: 0, rage: 0, dead: 0 });

/** A page's totals as shown: nothing below k sessions; rage and dead clicks k-anonymous on their own (`pageSignals`). */
function visibleTotals(t: PageTotals, k: number, signals: PageSignals): HeatmapTotals {
  if (t.sessions < k) return emptyTotals();
  return { views: t.views, sessions: t.sessions, clicks: t.clicks, rage: signals.rage, dead: signals.dead };
}

/**
 * The query's rows on its released days, read day by day (`DaySelection`), with the same parts of
 * each coarser segment (`heatmapRests.ts`) and of its families' parents and released members
 * (`heatmapSums.ts`) in the same query.
 */
export function daySelectionOf(
  q: Omit<HeatmapQuery, 'pattern'>,
  days: CohortDays,
  releases: readonly FamilyRelease[] = [],
): DaySelection {
  const keys = restKeys(q.filter);
  const segment = [...new Set([keys.mine, ...keys.coarser, ...familyReadKeys(releases)])];
  return { devices: q.devices, segment, days: days.released };
}

/** The released members of the query's families on its released days (`heatmapSums.ts`). */
function releasesOf(
  q: Omit<HeatmapQuery, 'pattern'>,
  days: CohortDays & { families: readonly SegmentFamily[] },
): FamilyRelease[] {
  return familyReleases(days.families, q.devices, days.released, q.minCohort);
}

/** A figure summed over the parts where it is k-anonymous, and whether any part had it at all. */
class PartSums<V, K = string> {
  readonly shown = new Map<K, V>();
  private readonly seen = new Set<K>();
  constructor(private readonly empty: () => V) {}
  /** A part had this item (shown or not). */
  saw(key: K): void {
    this.seen.add(key);
  }
  /** The item's sum so far, started when first shown. */
  add(key: K): V {
    this.seen.add(key);
    let v = this.shown.get(key);
    if (v === undefined) {
      v = this.empty();
      this.shown.set(key, v);
    }
    return v;
  }
  seenKeys(): Iterable<K> {
    return this.seen;
  }
  /** Items some part had but no part showed. */
  get withheld(): number {
    let n = 0;
    for (const key of this.seen) if (!this.shown.has(key)) n++;
    return n;
  }
}

/**
 * The click heatmap of a page (also its rage and dead maps): elements with their relative grids,
 * ranked, and page cells, read from the aggregates and filtered by k-anonymity. Undefined when
 * the site has no such page.
 *
 * k holds **per part** (one released day of one device class), not over the answer: an element's
 * clicks (rage, dead clicks, a grid cell, a page cell) of a day are added only when that day's own
 * figure has k sessions and k distinct visitors, so any two answers differ by whole parts that
 * each hold k visitors, and a difference of date ranges or device sets shows nothing fewer than k
 * visitors did. In a segmented answer a part's figure is added only when its rest against each
 * coarser segment (the same figure of the same part, minus the segment's) is empty or k-anonymous
 * too (`heatmapRests.ts`), so a coarser answer minus this one shows nothing fewer than k visitors did.
 *
 * Since every decision is a part's own, each part's outcome is decided once and stored
 * (`clickOutcomes.ts`): an answer sums its parts' stored outcomes and decides from the day rows
 * only the parts not decided yet, or whose day has changed since.
 */
export async function clickHeatmap(store: Store, q: HeatmapQuery): Promise<ClickHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const [totals, outcomes] = await Promise.all([
    store.heatmaps.totals(pageId, selectionOf(q, days)),
    clickOutcomes(store, pageId, q, days),
  ]);
  const visible = visibleTotals(
    totals,
    q.k,
    pageSignals(days, q.pattern, days.released, q.devices, q.k, q.minCohort),
  );
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
      suppressed: { elements: outcomes.elementsSeen.size, cells: outcomes.cellsSeen, gridCells: 0 },
    };
  }
  const paths = await store.heatmaps.elementPaths(pageId);
  const out: ElementClicks[] = [];
  for (const [id, e] of outcomes.elements) {
    const path = paths.get(id);
    // An element without its path cannot be named: not shown (fails closed).
    if (path === undefined) continue;
    const grid: ElementClicks['grid'] = [];
    for (let cell = 0; cell < GRID_SIZE; cell++) {
      if (e.gridShown[cell])
        grid.push([cell, e.grid[cell * 3]!, e.grid[cell * 3 + 1]!, e.grid[cell * 3 + 2]!]);
    }
    out.push({
      path,
      clicks: e.clicks,
      share: totals.clicks > 0 ? e.clicks / totals.clicks : 0,
      sessions: e.sessions,
      rage: e.rage,
      dead: e.dead,
      grid,
    });
  }
  out.sort((a, b) => b.clicks - a.clicks || a.path.localeCompare(b.path));
  const cells = outcomes.shownCells().sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    ...base,
    elements: out,
    cells,
    suppressed: {
      elements: outcomes.withheldElements,
      cells: outcomes.withheldCells,
      gridCells: outcomes.withheldGridCells,
    },
  };
}

/**
 * The outcomes of the query's parts (released days × device classes), summed (`clickRanges.ts`):
 * stored range and day outcomes that are still current, the other parts decided from the day rows
 * (`clickOutcome`) and stored for the next answer.
 */
async function clickOutcomes(
  store: Store,
  pageId: number,
  q: HeatmapQuery,
  days: Awaited<ReturnType<typeof requireCohort>>,
): Promise<ClickOutcomes> {
  const key = { view: 'clicks', segment: segmentKey(q.filter), k: q.k, minCohort: q.minCohort } as const;
  const partKey = (day: number, device: string) => `${day}\u0000${device}`;
  const query = { devices: q.devices, fromDay: q.fromDay, toDay: q.toDay, released: days.released };
  return sumClickParts(store, pageId, key, query, async (missing) => {
    const missingDays = [...new Set(missing.map((m) => m.day))];
    const releases = releasesOf(q, days);
    const byDay = daySelectionOf(q, { released: missingDays, withheld: [] }, releases);
    const keys = restKeys(q.filter);
    const [elementRows, tileRows] = await Promise.all([
      store.heatmaps.elementsByDay(pageId, byDay),
      store.heatmaps.tilesByDay(pageId, TileKind.Clicks, byDay),
    ]);
    const elementParts = new Map(
      partsWithRests(elementRows, keys, releases).map((p) => [partKey(p.part.day, p.part.device), p]),
    );
    const tileParts = new Map(
      partsWithRests(tileRows, keys, releases).map((p) => [partKey(p.part.day, p.part.device), p]),
    );
    return missing.map(({ day, device }) => {
      const at = partKey(day, device);
      return clickOutcome(elementParts.get(at), tileParts.get(at), q.k);
    });
  });
}

export interface ScrollHeatmap {
  /** Page views that reported how far they scrolled. */
  views: number;
  sessions: number;
  /** Average fold (viewport height), CSS px. */
  averageFoldPx: number;
  /**
   * `reach[d]`: the share of page views that reached at least d % of the page (0..100). Depths
   * fewer than k distinct visitors reached are cut, day by day and device class by device class:
   * a part's page views count at the deepest depth k of its visitors reached, and a part where no
   * depth has k visitors adds no depth.
   */
  reach: number[];
  withheldDays: string[];
}

/** The deepest depth bin at least k distinct visitors of `visitors` reached (that bin or deeper), or -1. */
function cutOf(visitors: VisitorSets, k: number): number {
  const reached = new Set<number>();
  for (let bin = 100; bin >= 0; bin--) {
    for (const b of visitors.get(bin) ?? []) reached.add(b);
    if (reached.size >= k) return bin;
  }
  return -1;
}

/** Scroll depth: the share of page views reaching each depth, with the average fold. */
export async function scrollHeatmap(store: Store, q: HeatmapQuery): Promise<ScrollHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const releases = releasesOf(q, days);
  const [t, rows] = await Promise.all([
    store.heatmaps.totals(pageId, selectionOf(q, days)),
    store.heatmaps.scrollByDay(pageId, daySelectionOf(q, days, releases)),
  ]);
  const parts = partsWithRests(rows, restKeys(q.filter), releases);
  const empty = { views: 0, sessions: 0, averageFoldPx: 0, reach: [], ...withheldOf(days) };
  if (t.sessions < q.k || t.scrollViews <= 0) return empty;
  // Per part: its page views deeper than the deepest depth k of its visitors reached count there,
  // and no deeper than the depth down to which each rest (coarser segment minus this) has k or none.
  const bins = new Array<number>(101).fill(0);
  for (const { part, coarser, families } of parts) {
    const cut = Math.min(
      cutOf(part.scrollVisitors, q.k),
      restScrollCut(part, coarser, q.k),
      sumsScrollCut(families, q.k),
    );
    if (cut < 0) continue;
    for (let bin = 0; bin <= 100; bin++)
      bins[Math.min(bin, cut)]! += Math.max(0, part.scroll.values[bin] ?? 0);
  }
  const total = bins.reduce((s, v) => s + v, 0);
  if (total <= 0) return empty;
  const reach = new Array<number>(101).fill(0);
  let atLeast = 0;
  for (let d = 100; d >= 0; d--) {
    atLeast += bins[d]!;
    reach[d] = atLeast / total;
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

/** Attention: pointer dwell by page cell and by element, k-anonymous per part (see `clickHeatmap`). */
export async function attentionHeatmap(store: Store, q: HeatmapQuery): Promise<AttentionHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const releases = releasesOf(q, days);
  const byDay = daySelectionOf(q, days, releases);
  const keys = restKeys(q.filter);
  const [totals, elementRows, tileRows] = await Promise.all([
    store.heatmaps.totals(pageId, selectionOf(q, days)),
    store.heatmaps.elementsByDay(pageId, byDay),
    store.heatmaps.tilesByDay(pageId, TileKind.Attention, byDay),
  ]);
  const pageOk = totals.sessions >= q.k;
  const cellSums = new PartSums<[number, number, number]>(() => [0, 0, 0]);
  for (const { part, coarser, families } of partsWithRests(tileRows, keys, releases)) {
    const kin = familyIndex(
      families,
      (p) => [...p.tiles],
      ([tile]) => tile,
    );
    for (const [tile, counts] of part.tiles) {
      const wholes = coarser.map((c) => c?.tiles.get(tile));
      const sums = kin(tile);
      for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
        const ms = counts.values[at]!;
        if (ms <= 0) continue;
        const { cx, cy } = cellOfTile(tile, index);
        const key = `${cx},${cy}`;
        const figure = ([, c]: [number, TileCounts]): Figure => ({
          counters: [c.values[at] ?? 0],
          sessions: c.values[at + 1] ?? 0,
          visitors: c.visitors.get(index),
        });
        const restsOk =
          wholes.every((w) =>
            restOk(
              q.k,
              w?.visitors.get(index),
              counts.visitors.get(index),
              [[w?.values[at] ?? 0, ms]],
              [w?.values[at + 1] ?? 0, counts.values[at + 1]!],
            ),
          ) && sumsOk(q.k, sums, figure([tile, counts]), figure);
        if (!pageOk || !kOk(counts.values[at + 1]!, visitorsOf(counts.visitors, index), q.k) || !restsOk) {
          cellSums.saw(key);
          continue;
        }
        const c = cellSums.add(key);
        c[0] = cx;
        c[1] = cy;
        c[2] += ms;
      }
    }
  }
  const elements = new PartSums<{ ms: number; sessions: number }>(() => ({ ms: 0, sessions: 0 }));
  const A = ELEMENT_VISITOR_PARTS.attention;
  const dwellFigure = (x: ElementStats): Figure => ({
    counters: [x.attentionMs],
    sessions: x.attentionSessions,
    visitors: x.visitors.get(A),
  });
  for (const { part, coarser, families } of partsWithRests(elementRows, keys, releases)) {
    const wholes = coarser.map((c) => indexed(c?.elements, (e) => e.path));
    const kin = familyIndex(
      families,
      (p) => p.elements,
      (e) => e.path,
    );
    for (const e of part.elements) {
      if (e.attentionMs <= 0) continue;
      const sumsShown = sumsOk(q.k, kin(e.path), dwellFigure(e), dwellFigure);
      const restsOk =
        sumsShown &&
        wholes.every((byPath) => {
          const w = byPath.get(e.path);
          return restOk(
            q.k,
            w?.visitors.get(A),
            e.visitors.get(A),
            [[w?.attentionMs ?? 0, e.attentionMs]],
            [w?.attentionSessions ?? 0, e.attentionSessions],
          );
        });
      if (!pageOk || !kOk(e.attentionSessions, visitorsOf(e.visitors, A), q.k) || !restsOk) {
        elements.saw(e.path);
        continue;
      }
      const sum = elements.add(e.path);
      sum.ms += e.attentionMs;
      sum.sessions += e.attentionSessions;
    }
  }
  return {
    totalMs: pageOk ? Math.round(totals.attentionMs) : 0,
    cellPx: PAGE_CELL_PX,
    cells: [...cellSums.shown.values()]
      .map(([cx, cy, ms]): [number, number, number] => [cx, cy, Math.round(ms)])
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]),
    elements: [...elements.shown]
      .map(([path, e]) => ({
        path,
        ms: Math.round(e.ms),
        share: totals.attentionMs > 0 ? e.ms / totals.attentionMs : 0,
        sessions: e.sessions,
      }))
      .sort((a, b) => b.ms - a.ms || a.path.localeCompare(b.path)),
    suppressed: { elements: elements.withheld, cells: cellSums.withheld },
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
  // The site's day rows on the released days, page by page (grouped once, not filtered per page).
  const released = new Set(site.released);
  type PageRows = SignalRows & {
    segment: DayCohort[];
    coarser: DayCohort[][];
    families: Array<SegmentFamily & { parent: DayCohort[]; members: DayCohort[] }>;
  };
  const pages = new Map<string, PageRows>();
  const of = (pattern: string): PageRows => {
    let rows = pages.get(pattern);
    if (!rows) {
      rows = {
        segment: [],
        coarser: site.coarser.map(() => []),
        families: site.families.map((f) => ({ ...f, parent: [], members: [] })),
      };
      pages.set(pattern, rows);
    }
    return rows;
  };
  const group = (list: readonly DayCohort[], into: (rows: PageRows) => DayCohort[] | undefined) => {
    for (const r of list) if (released.has(r.day)) into(of(r.pattern))?.push(r);
  };
  group(site.segment, (p) => p.segment);
  site.coarser.forEach((list, i) => {
    group(list, (p) => p.coarser[i]);
  });
  site.families.forEach((f, i) => {
    group(f.parent, (p) => p.families[i]?.parent);
    group(f.members, (p) => p.families[i]?.members);
  });
  const pageOk = (pattern: string) => {
    const rows = of(pattern);
    return (
      cohortDays(rows.segment, rows.coarser, q.devices, q.minCohort, rows.families).withheld.length === 0
    );
  };
  const rows = await store.heatmaps.pages(q.siteId, selectionOf(q, site));
  const { shown, suppressed } = kAnonymous(rows, (r) => (pageOk(r.pattern) ? r.sessions : 0), q.k);
  return {
    pages: shown
      .map((r) => ({
        pattern: r.pattern,
        views: r.views,
        sessions: r.sessions,
        clicks: r.clicks,
        // Rage and dead clicks k-anonymous on their own, part by part, with the rests and sums.
        ...pageSignals(of(r.pattern), r.pattern, site.released, q.devices, q.k, q.minCohort),
      }))
      .sort((a, b) => b.views - a.views || b.clicks - a.clicks || a.pattern.localeCompare(b.pattern)),
    suppressed,
    ...withheldOf(site),
  };
}
