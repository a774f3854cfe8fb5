/**
 * The click heatmap as it was computed before per-part outcomes were stored (main at 7db093c,
 * `heatmapQueries.ts`): every answer from the day rows, nothing stored. Kept frozen here as the
 * reference `heatmapDayOutcomes.conformance.test.ts` compares today's answers with; not used by
 * the server.
 */
import {
  bucketsCoveringDays,
  cellOfTile,
  type DeviceClass,
  ELEMENT_GRID_CELLS,
  PAGE_CELL_PX,
  type SegmentFilter,
  segmentKey,
} from '@veil/core';
import {
  type CohortDays,
  isoDay,
  requireCohort,
  type SegmentFamily,
} from '../../src/heatmap/heatmapCohort.js';
import { partsWithRests, restKeys, restOk } from '../../src/heatmap/heatmapRests.js';
import {
  type FamilyPart,
  type FamilyRelease,
  type Figure,
  familyReadKeys,
  familyReleases,
  sumsOk,
} from '../../src/heatmap/heatmapSums.js';
import { type PageSignals, pageSignals } from '../../src/heatmap/pageSignals.js';
import {
  CLICK_TILE_VISITOR_PARTS,
  ELEMENT_VISITOR_PARTS,
  visitorsOf,
} from '../../src/heatmap/visitorSets.js';
import {
  type AggregateSelection,
  type DaySelection,
  type ElementStats,
  type PageTotals,
  type TileCounts,
  TileKind,
} from '../../src/storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../../src/storage/Store.js';

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

/** Each family part's items by a key (`indexed`), and the figures of one key across them. */
function familyIndex<T, I>(
  families: readonly FamilyPart<T>[],
  items: (part: T) => readonly I[] | undefined,
  key: (item: I) => string | number,
): (at: string | number) => FamilyPart<I>[] {
  const maps = families.map((f) => ({
    parent: indexed(f.parent === undefined ? undefined : items(f.parent), key),
    members: f.members.map((m) => indexed(items(m), key)),
  }));
  return (at) =>
    maps.map((f) => ({
      parent: f.parent.get(at),
      members: f.members.flatMap((m) => {
        const item = m.get(at);
        return item === undefined ? [] : [item];
      }),
    }));
}

/** Each part's items by a key, for looking up a coarser segment's figure of the segment's item. */
function indexed<T>(
  items: readonly T[] | undefined,
  key: (item: T) => string | number,
): Map<string | number, T> {
  return new Map((items ?? []).map((item) => [key(item), item]));
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

/** Relative grid cells of an element. */
const GRID_SIZE = ELEMENT_GRID_CELLS ** 2;

/** An element's grid cells over the parts: clicks, rage, dead (`cell * 3 + m`), and which cells a part had and showed. */
interface GridSums {
  sums: Float64Array;
  seen: Uint8Array;
  shown: Uint8Array;
}

const gridSums = (): GridSums => ({
  sums: new Float64Array(GRID_SIZE * 3),
  seen: new Uint8Array(GRID_SIZE),
  shown: new Uint8Array(GRID_SIZE),
});

/** An element figure's counter and its distinct sessions. */
type ElementFigure = readonly [(x: ElementStats) => number, (x: ElementStats) => number];
const CLICK_FIGURE: ElementFigure = [(x) => x.clicks, (x) => x.sessions];
const RAGE_FIGURE: ElementFigure = [(x) => x.rage, (x) => x.rageSessions];
const DEAD_FIGURE: ElementFigure = [(x) => x.dead, (x) => x.deadSessions];

/**
 * Whether a figure of `mine` has an empty or k-anonymous rest against the same figure of each
 * coarser segment (`rests`, missing: none) and a common rest in each family (`sums`). `figure`
 * reads the figure (counters, sessions where it counts them, visitor set) from one side.
 */
function figureRestsOk<T>(
  k: number,
  mine: T,
  rests: readonly (T | undefined)[],
  sums: readonly FamilyPart<T>[],
  figure: (x: T) => Figure,
): boolean {
  const m = figure(mine);
  return (
    rests.every((w) => {
      const whole = w === undefined ? undefined : figure(w);
      return restOk(
        k,
        whole?.visitors,
        m.visitors,
        m.counters.map((c, i) => [whole?.counters[i] ?? 0, c] as const),
        m.sessions === undefined ? undefined : [whole?.sessions ?? 0, m.sessions],
      );
    }) && sumsOk(k, sums, m, figure)
  );
}

/** An element's figure (visitor part `at`): its counter and sessions. */
function elementRestsOk(
  k: number,
  e: ElementStats,
  rests: readonly (ElementStats | undefined)[],
  sums: readonly FamilyPart<ElementStats>[],
  at: number,
  [counter, sessions]: ElementFigure,
): boolean {
  return figureRestsOk(k, e, rests, sums, (x) => ({
    counters: [counter(x)],
    sessions: sessions(x),
    visitors: x.visitors.get(at),
  }));
}

/** One grid cell of the element (its values at `at`: clicks, rage, dead). */
function gridCellRestsOk(
  k: number,
  e: ElementStats,
  rests: readonly (ElementStats | undefined)[],
  sums: readonly FamilyPart<ElementStats>[],
  cell: number,
  at: number,
): boolean {
  const part = ELEMENT_VISITOR_PARTS.grid + cell;
  return figureRestsOk(k, e, rests, sums, (x) => ({
    counters: [0, 1, 2].map((m) => x.grid.values[at + m] ?? 0),
    visitors: x.visitors.get(part),
  }));
}

/** One page cell of a tile's part being checked: `index` in the tile, its values at `at`. */
interface TileCell {
  k: number;
  /** Whether the part has coarser segments or families to check rests and sums against. */
  checked: boolean;
  tile: number;
  counts: TileCounts;
  wholes: readonly (TileCounts | undefined)[];
  sums: readonly FamilyPart<[number, TileCounts]>[];
  index: number;
  at: number;
}

/**
 * Whether a page cell's figure (clicks, rage, dead: `metric`, its sessions next; visitors at
 * `visitorPart + index`) holds k sessions and k visitors, with its rests and sums.
 */
function cellShown(c: TileCell, visitorPart: number, metric: number): boolean {
  const { k, counts, index, at } = c;
  const v = counts.values;
  const who = counts.visitors;
  if (!kOk(v[at + metric + 1]!, visitorsOf(who, visitorPart + index), k)) return false;
  if (!c.checked) return true;
  const figure = ([, x]: [number, TileCounts]): Figure => ({
    counters: [x.values[at + metric] ?? 0],
    sessions: x.values[at + metric + 1] ?? 0,
    visitors: x.visitors.get(visitorPart + index),
  });
  return (
    c.wholes.every((w) =>
      restOk(
        k,
        w?.visitors.get(visitorPart + index),
        who.get(visitorPart + index),
        [[w?.values[at + metric] ?? 0, v[at + metric]!]],
        [w?.values[at + metric + 1] ?? 0, v[at + metric + 1]!],
      ),
    ) && sumsOk(k, c.sums, figure([c.tile, counts]), figure)
  );
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
 */
export async function referenceClickHeatmap(
  store: Store,
  q: HeatmapQuery,
): Promise<ClickHeatmap | undefined> {
  const pageId = await store.heatmaps.pageId(q.siteId, q.pattern);
  if (pageId === undefined) return undefined;
  const days = await requireCohort(store, q, q.pattern);
  const releases = releasesOf(q, days);
  const byDay = daySelectionOf(q, days, releases);
  const keys = restKeys(q.filter);
  const [totals, elementRows, tileRows] = await Promise.all([
    store.heatmaps.totals(pageId, selectionOf(q, days)),
    store.heatmaps.elementsByDay(pageId, byDay),
    store.heatmaps.tilesByDay(pageId, TileKind.Clicks, byDay),
  ]);
  const elementParts = partsWithRests(elementRows, keys, releases);
  const tileParts = partsWithRests(tileRows, keys, releases);
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
    const elements = new Set(
      elementParts.flatMap(({ part }) => part.elements.filter((e) => e.clicks > 0).map((e) => e.path)),
    );
    const cells = new Set<number>();
    for (const { part: p } of tileParts) {
      for (const [tile, counts] of p.tiles) {
        for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
          if (counts.values[at]! > 0) cells.add(tile * counts.size + index);
        }
      }
    }
    return {
      ...base,
      elements: [],
      cells: [],
      suppressed: { elements: elements.size, cells: cells.size, gridCells: 0 },
    };
  }

  type ElementSum = { clicks: number; sessions: number; rage: number; dead: number };
  const elements = new PartSums<ElementSum>(() => ({ clicks: 0, sessions: 0, rage: 0, dead: 0 }));
  // Grid cells element by element, in typed arrays: string keys per cell and part cost most of
  // the answer's time at a million clicks (30 parts × 200 elements × 16 cells).
  const grids = new Map<string, GridSums>();
  const E = ELEMENT_VISITOR_PARTS;
  for (const { part, coarser, families } of elementParts) {
    // No coarser segment and no family (an unsegmented answer): every rest and sum is empty of
    // checks (`restOk` over none, `sumsOk` of no family), only each figure's own k is left.
    const checked = coarser.length > 0 || families.length > 0;
    const wholes = coarser.map((c) => indexed(c?.elements, (e) => e.path));
    const kin = familyIndex(
      families,
      (p) => p.elements,
      (e) => e.path,
    );
    for (const e of part.elements) {
      if (e.clicks <= 0) continue;
      // The same element in each coarser segment's part: the rest of each figure is checked too,
      // and in each family's parent and released members: the common rest of the sums.
      const rests = checked ? wholes.map((w) => w.get(e.path)) : [];
      const sums = checked ? kin(e.path) : [];
      if (
        !kOk(e.sessions, visitorsOf(e.visitors, E.clicks), q.k) ||
        (checked && !elementRestsOk(q.k, e, rests, sums, E.clicks, CLICK_FIGURE))
      ) {
        elements.saw(e.path);
        continue;
      }
      const sum = elements.add(e.path);
      const rageOk =
        kOk(e.rageSessions, visitorsOf(e.visitors, E.rage), q.k) &&
        (!checked || elementRestsOk(q.k, e, rests, sums, E.rage, RAGE_FIGURE));
      const deadOk =
        kOk(e.deadSessions, visitorsOf(e.visitors, E.dead), q.k) &&
        (!checked || elementRestsOk(q.k, e, rests, sums, E.dead, DEAD_FIGURE));
      sum.clicks += e.clicks;
      sum.sessions += e.sessions;
      if (rageOk) sum.rage += Math.max(0, e.rage);
      if (deadOk) sum.dead += Math.max(0, e.dead);
      let grid = grids.get(e.path);
      if (!grid) {
        grid = gridSums();
        grids.set(e.path, grid);
      }
      const v = e.grid.values;
      const size = Math.min(e.grid.size, GRID_SIZE);
      for (let cell = 0, at = 0; cell < size; cell++, at += e.grid.metrics) {
        if (v[at]! <= 0) continue;
        grid.seen[cell] = 1;
        if (
          visitorsOf(e.visitors, E.grid + cell) < q.k ||
          (checked && !gridCellRestsOk(q.k, e, rests, sums, cell, at))
        )
          continue;
        grid.shown[cell] = 1;
        grid.sums[cell * 3]! += v[at]!;
        if (rageOk) grid.sums[cell * 3 + 1]! += Math.max(0, v[at + 1]!);
        if (deadOk) grid.sums[cell * 3 + 2]! += Math.max(0, v[at + 2]!);
      }
    }
  }
  const out: ElementClicks[] = [...elements.shown]
    .map(([path, e]) => {
      const grid: ElementClicks['grid'] = [];
      const g = grids.get(path);
      for (let cell = 0; g && cell < GRID_SIZE; cell++) {
        if (g.shown[cell]) grid.push([cell, g.sums[cell * 3]!, g.sums[cell * 3 + 1]!, g.sums[cell * 3 + 2]!]);
      }
      return {
        path,
        clicks: e.clicks,
        share: totals.clicks > 0 ? e.clicks / totals.clicks : 0,
        sessions: e.sessions,
        rage: e.rage,
        dead: e.dead,
        grid,
      };
    })
    .sort((a, b) => b.clicks - a.clicks || a.path.localeCompare(b.path));

  // Page cells keyed by tile and index (one number per page cell, as in the refusal above).
  const cellSums = new PartSums<[number, number, number, number, number], number>(() => [0, 0, 0, 0, 0]);
  const P = CLICK_TILE_VISITOR_PARTS;
  for (const { part, coarser, families } of tileParts) {
    const checked = coarser.length > 0 || families.length > 0;
    const kin = familyIndex(
      families,
      (p) => [...p.tiles],
      ([tile]) => tile,
    );
    for (const [tile, counts] of part.tiles) {
      const v = counts.values;
      const wholes = checked ? coarser.map((c) => c?.tiles.get(tile)) : [];
      const sums = checked ? kin(tile) : [];
      const cell: TileCell = { k: q.k, checked, tile, counts, wholes, sums, index: 0, at: 0 };
      for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
        const clicks = v[at]!;
        if (clicks <= 0) continue;
        const key = tile * counts.size + index;
        cell.index = index;
        cell.at = at;
        if (!cellShown(cell, P.clicks, 0)) {
          cellSums.saw(key);
          continue;
        }
        const c = cellSums.add(key);
        const { cx, cy } = cellOfTile(tile, index);
        c[0] = cx;
        c[1] = cy;
        c[2] += clicks;
        if (cellShown(cell, P.rage, 2)) c[3] += Math.max(0, v[at + 2]!);
        if (cellShown(cell, P.dead, 4)) c[4] += Math.max(0, v[at + 4]!);
      }
    }
  }
  const cells = [...cellSums.shown.values()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    ...base,
    elements: out,
    cells,
    suppressed: {
      elements: elements.withheld,
      cells: cellSums.withheld,
      gridCells: withheldGridCells(grids, elements),
    },
  };
}

/** Grid cells of shown elements that no part showed. */
function withheldGridCells(grids: ReadonlyMap<string, GridSums>, elements: PartSums<unknown>): number {
  let n = 0;
  for (const [path, g] of grids) {
    if (!elements.shown.has(path)) continue;
    for (let cell = 0; cell < GRID_SIZE; cell++) if (g.seen[cell] && !g.shown[cell]) n++;
  }
  return n;
}
