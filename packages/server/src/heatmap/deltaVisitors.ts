import type { Counts } from './countsBlob.js';
import type { PageDelta } from './heatmapDeltas.js';
import {
  addVisitor,
  CLICK_TILE_VISITOR_PARTS,
  ELEMENT_VISITOR_PARTS,
  PAGE_SIGNAL_VISITOR_PARTS,
  type VisitorSets,
} from './visitorSets.js';

/** The visitor parts one session's page delta adds to (`visitorSets.ts`), row by row. */
export interface DeltaVisitors {
  elements: Map<string, VisitorSets>;
  clickTiles: Map<number, VisitorSets>;
  attentionTiles: Map<number, VisitorSets>;
  /** Scroll-depth bin → the visitor: the bins this session's page views now reach. */
  scroll: VisitorSets;
  /** The page's rage and dead clicks (`PAGE_SIGNAL_VISITOR_PARTS`) → the visitor. */
  signals: VisitorSets;
}

function tileParts(tiles: Map<number, Counts>, bit: number, click: boolean): Map<number, VisitorSets> {
  const out = new Map<number, VisitorSets>();
  for (const [tile, counts] of tiles) {
    const sets: VisitorSets = new Map();
    for (const [index, v] of counts) {
      if ((v[0] ?? 0) <= 0) continue;
      addVisitor(sets, CLICK_TILE_VISITOR_PARTS.clicks + index, bit);
      if (click && (v[2] ?? 0) > 0) addVisitor(sets, CLICK_TILE_VISITOR_PARTS.rage + index, bit);
      if (click && (v[4] ?? 0) > 0) addVisitor(sets, CLICK_TILE_VISITOR_PARTS.dead + index, bit);
    }
    if (sets.size > 0) out.set(tile, sets);
  }
  return out;
}

/**
 * Where a session's visitor bit goes in the rows of one page delta: every element it clicked
 * (and rage- or dead-clicked, and each relative grid cell), dwelt on, every page cell it clicked
 * or dwelt on, the scroll-depth bins its page views reached, and the page's rage and dead clicks.
 */
export function deltaVisitors(d: PageDelta, bit: number): DeltaVisitors {
  const elements = new Map<string, VisitorSets>();
  for (const [path, e] of d.elements) {
    const sets: VisitorSets = new Map();
    if ((e.click[0] ?? 0) > 0) addVisitor(sets, ELEMENT_VISITOR_PARTS.clicks, bit);
    if ((e.click[2] ?? 0) > 0) addVisitor(sets, ELEMENT_VISITOR_PARTS.rage, bit);
    if ((e.click[4] ?? 0) > 0) addVisitor(sets, ELEMENT_VISITOR_PARTS.dead, bit);
    if ((e.attention[0] ?? 0) > 0) addVisitor(sets, ELEMENT_VISITOR_PARTS.attention, bit);
    for (const [cell, v] of e.grid)
      if ((v[0] ?? 0) > 0) addVisitor(sets, ELEMENT_VISITOR_PARTS.grid + cell, bit);
    if (sets.size > 0) elements.set(path, sets);
  }
  const scroll: VisitorSets = new Map();
  for (const [bin, v] of d.scroll) if ((v[0] ?? 0) > 0) addVisitor(scroll, bin, bit);
  const signals: VisitorSets = new Map();
  if (d.rage > 0) addVisitor(signals, PAGE_SIGNAL_VISITOR_PARTS.rage, bit);
  if (d.dead > 0) addVisitor(signals, PAGE_SIGNAL_VISITOR_PARTS.dead, bit);
  return {
    elements,
    signals,
    clickTiles: tileParts(d.clickTiles, bit, true),
    attentionTiles: tileParts(d.attentionTiles, bit, false),
    scroll,
  };
}
