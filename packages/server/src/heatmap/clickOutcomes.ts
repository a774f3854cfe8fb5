import { cellOfTile, ELEMENT_GRID_CELLS, TILE_CELLS } from '@veil/core';
import type { ElementStats, SegmentDayPart, TileCounts } from '../storage/heatmaps/HeatmapRepository.js';
import type { PartWithRests } from './heatmapRests.js';
import { restOk } from './heatmapRests.js';
import { type FamilyPart, type Figure, sumsOk } from './heatmapSums.js';
import { CLICK_TILE_VISITOR_PARTS, ELEMENT_VISITOR_PARTS, visitorsOf } from './visitorSets.js';

/**
 * A click heatmap part's outcome (#17): what one part (one day of one device class of the query's
 * segment) adds to an answer, decided once and stored (`heatmap_day_outcomes`).
 *
 * Every privacy decision of a click heatmap is made part by part from the part's own rows (k
 * sessions and visitors per figure, rests against coarser segments, sums of families), the same
 * whichever date range or device set is asked: `heatmapQueries.ts` and `heatmapRests.ts` say why.
 * So an answer is the sum of its parts' outcomes, and an outcome, once decided for a part at a k
 * and minimum cohort, is valid until a row of that day changes (the day's version in
 * `heatmap_day_versions`, bumped by every aggregate write). Reading 30 outcomes instead of deciding
 * 30 days of element and tile rows again is what keeps a month's heatmap fast at millions of clicks.
 *
 * Layout: a 4-byte tag saying how the values are stored (int32 when every value is a 32-bit
 * integer, as counts are, else float64 after 4 bytes of padding), then the values: the number of
 * elements seen (clicks > 0), each as `id * 2 + shown`; a shown element adds `clicks, sessions,
 * rage, dead` (rage and dead already 0 where their own checks withhold them) and its grid: the
 * number of grid cells seen, each as `cell * 8 + flags` (1 shown, 2 rage follows, 4 dead follows)
 * followed, when shown, by its clicks and the rage and dead it adds when not 0. Then the number of
 * page cells seen, each as `key * 8 + flags` and the same values, `key = tile * TILE_CELLS² +
 * index`. Anything that does not parse is no outcome: the part is decided again from its rows.
 */

/** Tags of the two ways values are stored (any other byte order reads as neither). */
const INT32_TAG = 0x6f637431;
const FLOAT64_TAG = 0x6f636631;
/** Flags of a grid or page cell entry. */
const SHOWN = 1;
const HAS_RAGE = 2;
const HAS_DEAD = 4;

/** Relative grid cells of an element. */
export const GRID_SIZE = ELEMENT_GRID_CELLS ** 2;
/** Page cells of a tile. */
const TILE_SIZE = TILE_CELLS * TILE_CELLS;

/**
 * k of an element or cell: at least k sessions and k distinct visitors (`visitorSets.ts`, a lower
 * bound) contributed, so one visitor's many sessions never open it.
 */
export const kOk = (sessions: number, visitors: number, k: number): boolean => sessions >= k && visitors >= k;

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

/** Each family part's items by a key, and the figures of one key across them. */
export function familyIndex<T, I>(
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
export function indexed<T>(
  items: readonly T[] | undefined,
  key: (item: T) => string | number,
): Map<string | number, T> {
  return new Map((items ?? []).map((item) => [key(item), item]));
}

type ElementPart = PartWithRests<SegmentDayPart & { elements: ElementStats[] }>;
type TilePart = PartWithRests<SegmentDayPart & { tiles: Map<number, TileCounts> }>;

/** Decides one part's elements (their clicks, rage, dead clicks, grid cells) into `out`. */
function elementOutcomes(out: number[], p: ElementPart | undefined, k: number): void {
  const countAt = out.length;
  out.push(0);
  if (!p) return;
  const { part, coarser, families } = p;
  // No coarser segment and no family (an unsegmented answer): every rest and sum is empty of
  // checks (`restOk` over none, `sumsOk` of no family), only each figure's own k is left.
  const checked = coarser.length > 0 || families.length > 0;
  const wholes = coarser.map((c) => indexed(c?.elements, (e) => e.path));
  const kin = familyIndex(
    families,
    (x) => x.elements,
    (e) => e.path,
  );
  const E = ELEMENT_VISITOR_PARTS;
  let n = 0;
  for (const e of part.elements) {
    if (e.clicks <= 0) continue;
    n++;
    // The same element in each coarser segment's part: the rest of each figure is checked too,
    // and in each family's parent and released members: the common rest of the sums.
    const rests = checked ? wholes.map((w) => w.get(e.path)) : [];
    const sums = checked ? kin(e.path) : [];
    if (
      !kOk(e.sessions, visitorsOf(e.visitors, E.clicks), k) ||
      (checked && !elementRestsOk(k, e, rests, sums, E.clicks, CLICK_FIGURE))
    ) {
      out.push(e.id * 2);
      continue;
    }
    const rageOk =
      kOk(e.rageSessions, visitorsOf(e.visitors, E.rage), k) &&
      (!checked || elementRestsOk(k, e, rests, sums, E.rage, RAGE_FIGURE));
    const deadOk =
      kOk(e.deadSessions, visitorsOf(e.visitors, E.dead), k) &&
      (!checked || elementRestsOk(k, e, rests, sums, E.dead, DEAD_FIGURE));
    out.push(
      e.id * 2 + 1,
      e.clicks,
      e.sessions,
      rageOk ? Math.max(0, e.rage) : 0,
      deadOk ? Math.max(0, e.dead) : 0,
    );
    const gridAt = out.length;
    out.push(0);
    let cells = 0;
    const v = e.grid.values;
    const size = Math.min(e.grid.size, GRID_SIZE);
    for (let cell = 0, at = 0; cell < size; cell++, at += e.grid.metrics) {
      if (v[at]! <= 0) continue;
      cells++;
      if (
        visitorsOf(e.visitors, E.grid + cell) < k ||
        (checked && !gridCellRestsOk(k, e, rests, sums, cell, at))
      ) {
        out.push(cell * 8);
        continue;
      }
      pushCell(out, cell, v[at]!, rageOk ? Math.max(0, v[at + 1]!) : 0, deadOk ? Math.max(0, v[at + 2]!) : 0);
    }
    out[gridAt] = cells;
  }
  out[countAt] = n;
}

/** Decides one part's page cells (clicks, rage, dead) into `out`. */
function cellOutcomes(out: number[], p: TilePart | undefined, k: number): void {
  const countAt = out.length;
  out.push(0);
  if (!p) return;
  const { part, coarser, families } = p;
  const checked = coarser.length > 0 || families.length > 0;
  const kin = familyIndex(
    families,
    (x) => [...x.tiles],
    ([tile]) => tile,
  );
  const P = CLICK_TILE_VISITOR_PARTS;
  let n = 0;
  for (const [tile, counts] of part.tiles) {
    const v = counts.values;
    const wholes = checked ? coarser.map((c) => c?.tiles.get(tile)) : [];
    const sums = checked ? kin(tile) : [];
    const cell: TileCell = { k, checked, tile, counts, wholes, sums, index: 0, at: 0 };
    for (let index = 0, at = 0; index < counts.size; index++, at += counts.metrics) {
      const clicks = v[at]!;
      if (clicks <= 0) continue;
      n++;
      const key = tile * TILE_SIZE + index;
      cell.index = index;
      cell.at = at;
      if (!cellShown(cell, P.clicks, 0)) {
        out.push(key * 8);
        continue;
      }
      pushCell(
        out,
        key,
        clicks,
        cellShown(cell, P.rage, 2) ? Math.max(0, v[at + 2]!) : 0,
        cellShown(cell, P.dead, 4) ? Math.max(0, v[at + 4]!) : 0,
      );
    }
  }
  out[countAt] = n;
}

/** A shown grid or page cell: `at * 8 + flags`, its clicks, then rage and dead when not 0. */
function pushCell(out: number[], at: number, clicks: number, rage: number, dead: number): void {
  out.push(at * 8 + SHOWN + (rage !== 0 ? HAS_RAGE : 0) + (dead !== 0 ? HAS_DEAD : 0), clicks);
  if (rage !== 0) out.push(rage);
  if (dead !== 0) out.push(dead);
}

/**
 * One part's outcome (`element` and `tile`: the part's rows with their rests and families, absent
 * when the part has no such rows), as stored.
 */
export function clickOutcome(
  element: ElementPart | undefined,
  tile: TilePart | undefined,
  k: number,
): Buffer {
  const out: number[] = [];
  elementOutcomes(out, element, k);
  cellOutcomes(out, tile, k);
  return encodeOutcome(out);
}

/** Values in the layout above, stored: int32 when every value is one, else float64. */
export function encodeOutcome(out: readonly number[]): Buffer {
  if (out.every((x) => x === (x | 0))) {
    const value = Buffer.alloc(4 + out.length * 4);
    value.writeUInt32LE(INT32_TAG, 0);
    for (let i = 0; i < out.length; i++) value.writeInt32LE(out[i]!, 4 + i * 4);
    return value;
  }
  const value = Buffer.alloc(8 + out.length * 8);
  value.writeUInt32LE(FLOAT64_TAG, 0);
  for (let i = 0; i < out.length; i++) value.writeDoubleLE(out[i]!, 8 + i * 8);
  return value;
}

/** `packed = at * 8 + flags` split (any sign of `at`). */
const atOf = (packed: number): number => Math.floor(packed / 8);
const flagsOf = (packed: number): number => packed - Math.floor(packed / 8) * 8;

/** An element's figures summed over the parts that showed it. */
export interface ElementSum {
  clicks: number;
  sessions: number;
  rage: number;
  dead: number;
  /** Grid cells: clicks, rage, dead (`cell * 3 + m`), and which cells a part (showing it) had and showed. */
  grid: Float64Array;
  gridSeen: Uint8Array;
  gridShown: Uint8Array;
}

/** One tile's page cells in a sum: flags (had, shown) and the shown cells' clicks, rage, dead. */
interface TileSums {
  seen: Uint8Array;
  shown: Uint8Array;
  sums: Float64Array;
}

/** The sum of parts' outcomes: what an answer shows and how much it withholds. */
export class ClickOutcomes {
  /** Element id → sums, for elements some part showed. */
  readonly elements = new Map<number, ElementSum>();
  /** Element ids some part had (clicks > 0). */
  readonly elementsSeen = new Set<number>();
  /**
   * Page cells by tile (`key = tile * TILE_CELLS² + index`): which cells some part had and showed,
   * and the shown ones' clicks, rage, dead (`index * 3 + m`). A tile's cells are flags and sums in
   * typed arrays, so adding an outcome looks a tile up once, not each of its cells.
   */
  readonly #tiles = new Map<number, TileSums>();
  #cellsSeen = 0;
  #cellsShown = 0;

  #tile(tile: number): TileSums {
    let t = this.#tiles.get(tile);
    if (!t) {
      t = {
        seen: new Uint8Array(TILE_SIZE),
        shown: new Uint8Array(TILE_SIZE),
        sums: new Float64Array(TILE_SIZE * 3),
      };
      this.#tiles.set(tile, t);
    }
    return t;
  }

  /** Page cells some part had (shown or not). */
  get cellsSeen(): number {
    return this.#cellsSeen;
  }

  /** The shown page cells: `[cellX, cellY, clicks, rage, dead]`. */
  shownCells(): Array<[number, number, number, number, number]> {
    const out: Array<[number, number, number, number, number]> = [];
    for (const [tile, t] of this.#tiles) {
      for (let index = 0; index < TILE_SIZE; index++) {
        if (!t.shown[index]) continue;
        const { cx, cy } = cellOfTile(tile, index);
        out.push([cx, cy, t.sums[index * 3]!, t.sums[index * 3 + 1]!, t.sums[index * 3 + 2]!]);
      }
    }
    return out;
  }

  /** Adds one stored outcome; false (and nothing added) when it does not parse. */
  add(value: Uint8Array): boolean {
    const v = valuesOf(value);
    if (!v || !wellFormed(v)) return false;
    let at = 0;
    const elements = v[at++]!;
    for (let i = 0; i < elements; i++) {
      const packed = v[at++]!;
      const id = Math.floor(packed / 2);
      this.elementsSeen.add(id);
      if (packed - id * 2 !== 1) continue;
      let sum = this.elements.get(id);
      if (!sum) {
        sum = {
          clicks: 0,
          sessions: 0,
          rage: 0,
          dead: 0,
          grid: new Float64Array(GRID_SIZE * 3),
          gridSeen: new Uint8Array(GRID_SIZE),
          gridShown: new Uint8Array(GRID_SIZE),
        };
        this.elements.set(id, sum);
      }
      sum.clicks += v[at++]!;
      sum.sessions += v[at++]!;
      sum.rage += v[at++]!;
      sum.dead += v[at++]!;
      const cells = v[at++]!;
      for (let c = 0; c < cells; c++) {
        const p = v[at++]!;
        const cell = atOf(p);
        const flags = flagsOf(p);
        sum.gridSeen[cell] = 1;
        if (!(flags & SHOWN)) continue;
        sum.gridShown[cell] = 1;
        sum.grid[cell * 3]! += v[at++]!;
        if (flags & HAS_RAGE) sum.grid[cell * 3 + 1]! += v[at++]!;
        if (flags & HAS_DEAD) sum.grid[cell * 3 + 2]! += v[at++]!;
      }
    }
    const cells = v[at++]!;
    let tile = Number.NaN;
    let t: TileSums | undefined;
    for (let i = 0; i < cells; i++) {
      const p = v[at++]!;
      const key = atOf(p);
      const flags = flagsOf(p);
      const keyTile = Math.floor(key / TILE_SIZE);
      const index = key - keyTile * TILE_SIZE;
      // An outcome's cells come tile by tile: one lookup per tile.
      if (keyTile !== tile || !t) {
        tile = keyTile;
        t = this.#tile(tile);
      }
      if (!t.seen[index]) {
        t.seen[index] = 1;
        this.#cellsSeen++;
      }
      if (!(flags & SHOWN)) continue;
      if (!t.shown[index]) {
        t.shown[index] = 1;
        this.#cellsShown++;
      }
      t.sums[index * 3]! += v[at++]!;
      if (flags & HAS_RAGE) t.sums[index * 3 + 1]! += v[at++]!;
      if (flags & HAS_DEAD) t.sums[index * 3 + 2]! += v[at++]!;
    }
    return true;
  }

  /** Adds another sum (`clickRanges.ts`): the same as adding the outcomes it was summed from. */
  merge(other: ClickOutcomes): void {
    for (const id of other.elementsSeen) this.elementsSeen.add(id);
    for (const [id, e] of other.elements) {
      const sum = this.elements.get(id);
      if (!sum) {
        this.elements.set(id, {
          ...e,
          grid: e.grid.slice(),
          gridSeen: e.gridSeen.slice(),
          gridShown: e.gridShown.slice(),
        });
        continue;
      }
      sum.clicks += e.clicks;
      sum.sessions += e.sessions;
      sum.rage += e.rage;
      sum.dead += e.dead;
      for (let i = 0; i < sum.grid.length; i++) sum.grid[i]! += e.grid[i]!;
      for (let cell = 0; cell < GRID_SIZE; cell++) {
        sum.gridSeen[cell]! |= e.gridSeen[cell]!;
        sum.gridShown[cell]! |= e.gridShown[cell]!;
      }
    }
    for (const [tile, o] of other.#tiles) {
      const t = this.#tile(tile);
      for (let index = 0; index < TILE_SIZE; index++) {
        if (o.seen[index] && !t.seen[index]) {
          t.seen[index] = 1;
          this.#cellsSeen++;
        }
        if (o.shown[index] && !t.shown[index]) {
          t.shown[index] = 1;
          this.#cellsShown++;
        }
      }
      for (let i = 0; i < t.sums.length; i++) t.sums[i]! += o.sums[i]!;
    }
  }

  /**
   * The sum in the outcome layout above (an element seen and shown by no part as not shown, a
   * grid or page cell likewise): adding it is adding the outcomes it was summed from.
   */
  values(): number[] {
    const out: number[] = [this.elementsSeen.size];
    for (const id of this.elementsSeen) {
      const e = this.elements.get(id);
      if (!e) {
        out.push(id * 2);
        continue;
      }
      out.push(id * 2 + 1, e.clicks, e.sessions, e.rage, e.dead);
      const gridAt = out.length;
      out.push(0);
      let cells = 0;
      for (let cell = 0; cell < GRID_SIZE; cell++) {
        if (!e.gridSeen[cell]) continue;
        cells++;
        if (!e.gridShown[cell]) out.push(cell * 8);
        else pushCell(out, cell, e.grid[cell * 3]!, e.grid[cell * 3 + 1]!, e.grid[cell * 3 + 2]!);
      }
      out[gridAt] = cells;
    }
    out.push(this.#cellsSeen);
    for (const [tile, t] of this.#tiles) {
      for (let index = 0; index < TILE_SIZE; index++) {
        if (!t.seen[index]) continue;
        const key = tile * TILE_SIZE + index;
        if (!t.shown[index]) out.push(key * 8);
        else pushCell(out, key, t.sums[index * 3]!, t.sums[index * 3 + 1]!, t.sums[index * 3 + 2]!);
      }
    }
    return out;
  }

  /** Elements some part had but no part showed. */
  get withheldElements(): number {
    return this.elementsSeen.size - this.elements.size;
  }

  get withheldCells(): number {
    return this.#cellsSeen - this.#cellsShown;
  }

  /** Grid cells of shown elements that a part showing the element had and no part showed. */
  get withheldGridCells(): number {
    let n = 0;
    for (const e of this.elements.values()) {
      for (let cell = 0; cell < GRID_SIZE; cell++) if (e.gridSeen[cell] && !e.gridShown[cell]) n++;
    }
    return n;
  }
}

/** The values of a stored outcome (int32 or float64, copied when not aligned), or undefined. */
function valuesOf(value: Uint8Array): Int32Array | Float64Array | undefined {
  if (value.byteLength < 4) return undefined;
  const tag = (value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24)) >>> 0;
  const width = tag === INT32_TAG ? 4 : tag === FLOAT64_TAG ? 8 : 0;
  if (width === 0 || value.byteLength % width !== 0) return undefined;
  const body = value.subarray(width);
  const aligned = body.byteOffset % width === 0 ? body : body.slice();
  return width === 4
    ? new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4)
    : new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
}

const isCount = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
const isPacked = (x: number | undefined): x is number => x !== undefined && Number.isSafeInteger(x);

/** How many values a shown cell entry with `flags` has at `at` (clicks, rage, dead), or -1. */
function cellValues(v: ArrayLike<number>, at: number, flags: number): number {
  const n = 1 + (flags & HAS_RAGE ? 1 : 0) + (flags & HAS_DEAD ? 1 : 0);
  for (let m = 0; m < n; m++) if (!isCount(v[at + m])) return -1;
  return n;
}

/** Whether `v` is one whole outcome in the layout above: every length, flag and index in range. */
function wellFormed(v: ArrayLike<number>): boolean {
  let at = 0;
  const elements = v[at++];
  if (!isPacked(elements) || elements < 0) return false;
  for (let i = 0; i < elements; i++) {
    const packed = v[at++];
    if (!isPacked(packed) || packed < 0) return false;
    if (packed % 2 === 0) continue;
    for (let m = 0; m < 4; m++) if (!isCount(v[at++])) return false;
    const cells = v[at++];
    if (!isPacked(cells) || cells < 0 || cells > GRID_SIZE) return false;
    for (let c = 0; c < cells; c++) {
      const p = v[at++];
      if (!isPacked(p) || p < 0 || atOf(p) >= GRID_SIZE) return false;
      const flags = flagsOf(p);
      if (!(flags & SHOWN)) {
        if (flags !== 0) return false;
        continue;
      }
      const n = cellValues(v, at, flags);
      if (n < 0) return false;
      at += n;
    }
  }
  const cells = v[at++];
  if (!isPacked(cells) || cells < 0) return false;
  for (let i = 0; i < cells; i++) {
    const p = v[at++];
    if (!isPacked(p)) return false;
    const flags = flagsOf(p);
    if (!(flags & SHOWN)) {
      if (flags !== 0) return false;
      continue;
    }
    const n = cellValues(v, at, flags);
    if (n < 0) return false;
    at += n;
  }
  return at === v.length;
}
