import {
  type DeviceClass,
  elementCell,
  HeatmapTag,
  type ParsedHeatmapEvent,
  pageCell,
  pagePattern,
  tileOfCell,
} from '@veil/core';
import { addCounts, bump, type Counts } from './countsBlob.js';
import type { SeenSet } from './seenSet.js';

/** Click counters of a page cell or an element, in this order. */
export const CLICK_METRICS = ['clicks', 'sessions', 'rage', 'rageSessions', 'dead', 'deadSessions'] as const;
/** Attention counters of a page cell or an element, in this order. */
export const ATTENTION_METRICS = ['ms', 'sessions'] as const;
/** An element's own counters: its clicks, then its attention. */
export const ELEMENT_STATS_METRICS = [...CLICK_METRICS, 'attentionMs', 'attentionSessions'] as const;
/** Counters of one cell of an element's relative grid. */
export const ELEMENT_GRID_METRICS = ['clicks', 'rage', 'dead'] as const;
/** Scroll-depth histogram: page views per percent bin 0..100. */
export const SCROLL_METRICS = ['views'] as const;

/** What one page's data adds to each of its aggregate rows (a page total, elements, tiles). */
export interface PageDelta {
  views: number;
  /** Distinct sessions (first contributions) of this page. */
  sessions: number;
  clicks: number;
  rage: number;
  dead: number;
  attentionMs: number;
  /** Page views that reported their scroll depth, and the sum of their folds (viewport heights, px). */
  scrollViews: number;
  foldPxSum: number;
  scroll: Counts;
  elements: Map<string, ElementDelta>;
  clickTiles: Map<number, Counts>;
  attentionTiles: Map<number, Counts>;
}

export interface ElementDelta {
  /** `CLICK_METRICS` */
  click: number[];
  /** `ATTENTION_METRICS` */
  attention: number[];
  /** Relative cell → `ELEMENT_GRID_METRICS` */
  grid: Counts;
}

/** Deltas by page pattern. */
export type Deltas = Map<string, PageDelta>;

export function emptyPageDelta(): PageDelta {
  return {
    views: 0,
    sessions: 0,
    clicks: 0,
    rage: 0,
    dead: 0,
    attentionMs: 0,
    scrollViews: 0,
    foldPxSum: 0,
    scroll: new Map(),
    elements: new Map(),
    clickTiles: new Map(),
    attentionTiles: new Map(),
  };
}

function emptyElementDelta(): ElementDelta {
  return { click: [0, 0, 0, 0, 0, 0], attention: [0, 0], grid: new Map() };
}

const one = (b: boolean): number => (b ? 1 : 0);
const scrollBin = (pct: number): number => Math.min(100, Math.max(0, Math.floor(pct)));

export interface CollectOptions {
  /** The site's own page patterns (`heatmapPagePatterns`). */
  pagePatterns: readonly string[];
  /** The session's first contributions so far (updated): what makes distinct-session counts. */
  seen: SeenSet;
}

/**
 * What a session's heatmap events add to the aggregates, by page pattern: page views, clicks by
 * element (with their relative grid) and by page cell, rage and dead clicks, scroll depth, attention.
 * Session counters count a session once per page, element and cell (`seen`). Repeated clicks
 * (same time, element and position) count once.
 */
export function collectDeltas(events: readonly ParsedHeatmapEvent[], options: CollectOptions): Deltas {
  const deltas: Deltas = new Map();
  const { seen } = options;
  const patternOf = new Map<string, string>();
  const page = (path: string): [string, PageDelta] => {
    let pattern = patternOf.get(path);
    if (pattern === undefined) {
      pattern = pagePattern(path, options.pagePatterns);
      patternOf.set(path, pattern);
    }
    let d = deltas.get(pattern);
    if (!d) {
      d = emptyPageDelta();
      deltas.set(pattern, d);
    }
    d.sessions += seen.first('p', pattern);
    return [pattern, d];
  };
  const element = (d: PageDelta, path: string): ElementDelta => {
    let e = d.elements.get(path);
    if (!e) {
      e = emptyElementDelta();
      d.elements.set(path, e);
    }
    return e;
  };
  const tile = (tiles: Map<number, Counts>, id: number): Counts => {
    let t = tiles.get(id);
    if (!t) {
      t = new Map();
      tiles.set(id, t);
    }
    return t;
  };

  // A click repeated with the same time, element and position (a re-sent event) counts once.
  const clickKeys = new Set<string>();
  for (const event of events) {
    if (event.tag === HeatmapTag.Click) {
      const key = `${event.timestamp}|${event.payload.el}|${event.payload.x}|${event.payload.y}`;
      if (clickKeys.has(key)) continue;
      clickKeys.add(key);
    }
    switch (event.tag) {
      case HeatmapTag.View: {
        const [, d] = page(event.payload.path);
        d.views += 1;
        break;
      }
      case HeatmapTag.Click: {
        const c = event.payload;
        const [pattern, d] = page(c.path);
        const { rage, dead } = c;
        d.clicks += 1;
        d.rage += one(rage);
        d.dead += one(dead);
        const e = element(d, c.el);
        const ek = `${pattern}\u0000${c.el}`;
        e.click[0]! += 1;
        e.click[1]! += seen.first('e', ek);
        e.click[2]! += one(rage);
        e.click[3]! += rage ? seen.first('er', ek) : 0;
        e.click[4]! += one(dead);
        e.click[5]! += dead ? seen.first('ed', ek) : 0;
        bump(e.grid, elementCell(c.rx, c.ry), [1, one(rage), one(dead)]);
        const cell = pageCell(c.x, c.y);
        const ck = `${pattern}\u0000${cell.cx},${cell.cy}`;
        const { tile: t, index } = tileOfCell(cell);
        bump(tile(d.clickTiles, t), index, [
          1,
          seen.first('c', ck),
          one(rage),
          rage ? seen.first('cr', ck) : 0,
          one(dead),
          dead ? seen.first('cd', ck) : 0,
        ]);
        break;
      }
      case HeatmapTag.Scroll: {
        const s = event.payload;
        const [, d] = page(s.path);
        if (s.prev === undefined) {
          d.scrollViews += 1;
          d.foldPxSum += s.vh;
          bump(d.scroll, scrollBin(s.pct), [1]);
        } else {
          // The same page view reached deeper after it was reported: move it.
          bump(d.scroll, scrollBin(s.prev), [-1]);
          bump(d.scroll, scrollBin(s.pct), [1]);
        }
        break;
      }
      case HeatmapTag.Attention: {
        const a = event.payload;
        const [pattern, d] = page(a.path);
        for (const [cx, cy, ms] of a.cells) {
          const { tile: t, index } = tileOfCell({ cx, cy });
          bump(tile(d.attentionTiles, t), index, [ms, seen.first('ac', `${pattern}\u0000${cx},${cy}`)]);
          d.attentionMs += ms;
        }
        for (const [el, ms] of a.els) {
          const e = element(d, el);
          e.attention[0]! += ms;
          e.attention[1]! += seen.first('ae', `${pattern}\u0000${el}`);
        }
        break;
      }
      case HeatmapTag.Layout:
        break;
    }
  }
  return deltas;
}

/** Adds `src` into `target` (which keeps its own objects: `src` is never shared). */
export function addPageDelta(target: PageDelta, src: PageDelta): void {
  target.views += src.views;
  target.sessions += src.sessions;
  target.clicks += src.clicks;
  target.rage += src.rage;
  target.dead += src.dead;
  target.attentionMs += src.attentionMs;
  target.scrollViews += src.scrollViews;
  target.foldPxSum += src.foldPxSum;
  addCounts(target.scroll, src.scroll);
  for (const [path, e] of src.elements) {
    let t = target.elements.get(path);
    if (!t) {
      t = emptyElementDelta();
      target.elements.set(path, t);
    }
    addElementDelta(t, e);
  }
  for (const [tables, from] of [
    [target.clickTiles, src.clickTiles],
    [target.attentionTiles, src.attentionTiles],
  ] as const) {
    for (const [id, counts] of from) {
      const t = tables.get(id);
      if (t) addCounts(t, counts);
      else tables.set(id, addCounts(new Map(), counts));
    }
  }
}

export function addElementDelta(target: ElementDelta, src: ElementDelta): void {
  for (let i = 0; i < src.click.length; i++) target.click[i]! += src.click[i]!;
  for (let i = 0; i < src.attention.length; i++) target.attention[i]! += src.attention[i]!;
  addCounts(target.grid, src.grid);
}

/** Adds every page of `src` into `target`. */
export function addDeltas(target: Deltas, src: Deltas): Deltas {
  for (const [pattern, d] of src) {
    let t = target.get(pattern);
    if (!t) {
      t = emptyPageDelta();
      target.set(pattern, t);
    }
    addPageDelta(t, d);
  }
  return target;
}

/**
 * Where deltas are counted: under the session's device class, each of its segment keys and each
 * time bucket containing its day. One `AggregateTarget` per (device, segment, bucket).
 */
export interface AggregateTarget {
  device: DeviceClass;
  segment: string;
  bucket: number;
}

/** Deltas to add under each of `targets`: what the store writes. */
export interface AggregateWrite {
  deltas: Deltas;
  targets: AggregateTarget[];
  /** The session's visitor, set in the visitor bitmap of every page total written (`visitorBitmap.ts`). */
  visitorBit?: number | null;
}

export function targetsOf(device: DeviceClass, segments: readonly string[], buckets: readonly number[]) {
  const targets: AggregateTarget[] = [];
  for (const segment of segments) for (const bucket of buckets) targets.push({ device, segment, bucket });
  return targets;
}
