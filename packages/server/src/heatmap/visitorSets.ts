import { VISITOR_BITMAP_BITS } from './visitorBitmap.js';

/**
 * Distinct visitors of the parts of one aggregate row: an element's clicks, rage clicks, dead
 * clicks, dwell and relative grid cells, a tile's page cells, a page's scroll-depth bins. Each
 * part keeps the visitor bits (`SubjectHasher.heatmapVisitorBit`, the same bit as the page
 * total's bitmap, `visitorBitmap.ts`) of the visitors who added to it: a set that a visitor
 * joins once however many sessions it has, that unions across days, device classes and rows, and
 * whose size never exceeds the true number of visitors (two visitors may share a bit, one visitor
 * never sets two), so k checked on it can only err towards withholding.
 *
 * Stored sparse, one binary value per row: `version u8`, then per part in index order the gap to
 * the previous index (LEB128), the number of bits n (LEB128) and n bit numbers (u16, ascending);
 * a part with more than `MAX_SPARSE_BITS` is stored as n = 0 and the whole bitmap (512 bytes),
 * so a part never takes more than the page bitmap does. Parts with no visitor are not stored.
 */

/** Part index → visitor bits. */
export type VisitorSets = Map<number, Set<number>>;

const VERSION = 1;
const BITMAP_BYTES = VISITOR_BITMAP_BITS / 8;
/** Beyond this many bits a part is stored as a bitmap (2 bytes a bit: the bitmap's size). */
const MAX_SPARSE_BITS = BITMAP_BYTES / 2;

/** Part indexes of an element's row (`heatmap_element_stats.visitors`). */
export const ELEMENT_VISITOR_PARTS = {
  clicks: 0,
  rage: 1,
  dead: 2,
  attention: 3,
  /** Relative grid cell `c` is part `grid + c`. */
  grid: 16,
} as const;

/** Part indexes of a page total's rage and dead clicks (`heatmap_totals.signal_visitors`). */
export const PAGE_SIGNAL_VISITOR_PARTS = { rage: 0, dead: 1 } as const;

/** Part offsets of a click tile's row: page cell `i` is `clicks + i`, `rage + i`, `dead + i`. */
export const CLICK_TILE_VISITOR_PARTS = { clicks: 0, rage: 256, dead: 512 } as const;

export function addVisitor(sets: VisitorSets, part: number, bit: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit >= VISITOR_BITMAP_BITS) return;
  let set = sets.get(part);
  if (!set) {
    set = new Set();
    sets.set(part, set);
  }
  set.add(bit);
}

/** `into ∪= from`, part by part; returns `into`. */
export function mergeVisitorSets(into: VisitorSets, from: VisitorSets): VisitorSets {
  for (const [part, bits] of from) {
    const set = into.get(part);
    if (set) for (const b of bits) set.add(b);
    else into.set(part, new Set(bits));
  }
  return into;
}

/** Distinct visitors (a lower bound) of one part. */
export function visitorsOf(sets: VisitorSets | undefined, part: number): number {
  return sets?.get(part)?.size ?? 0;
}

function putVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function encodeVisitorSets(sets: VisitorSets): Buffer | null {
  const parts = [...sets.keys()].filter((p) => (sets.get(p)?.size ?? 0) > 0).sort((a, b) => a - b);
  if (parts.length === 0) return null;
  const out: number[] = [VERSION];
  let previous = -1;
  for (const part of parts) {
    const bits = [...sets.get(part)!].sort((a, b) => a - b);
    putVarint(out, part - previous - 1);
    previous = part;
    if (bits.length > MAX_SPARSE_BITS) {
      putVarint(out, 0);
      const bitmap = new Uint8Array(BITMAP_BYTES);
      for (const b of bits) bitmap[b >> 3]! |= 1 << (b & 7);
      for (const byte of bitmap) out.push(byte);
    } else {
      putVarint(out, bits.length);
      for (const b of bits) out.push(b >> 8, b & 0xff);
    }
  }
  return Buffer.from(out);
}

/**
 * Adds a stored value's parts into `into` (or a new map). A value of an unknown layout, or cut
 * short, adds what it holds up to there: a visitor too few can only withhold (fails closed).
 */
export function decodeVisitorSets(
  blob: Uint8Array | null | undefined,
  into: VisitorSets = new Map(),
): VisitorSets {
  if (!blob || blob.length < 1 || blob[0] !== VERSION) return into;
  let at = 1;
  const varint = (): number | undefined => {
    let value = 0;
    let scale = 1;
    while (at < blob.length) {
      const byte = blob[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (!(byte & 0x80)) return value;
    }
    return undefined;
  };
  let part = -1;
  while (at < blob.length) {
    const gap = varint();
    const n = varint();
    if (gap === undefined || n === undefined) return into;
    part += gap + 1;
    if (n === 0) {
      if (at + BITMAP_BYTES > blob.length) return into;
      for (let i = 0; i < BITMAP_BYTES; i++) {
        const byte = blob[at + i]!;
        for (let b = 0; b < 8; b++) if (byte & (1 << b)) addVisitor(into, part, i * 8 + b);
      }
      at += BITMAP_BYTES;
    } else {
      if (at + 2 * n > blob.length) return into;
      for (let i = 0; i < n; i++, at += 2) addVisitor(into, part, (blob[at]! << 8) | blob[at + 1]!);
    }
  }
  return into;
}
