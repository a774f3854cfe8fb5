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
export function visitorsOf(sets: ReadVisitorSets | undefined, part: number): number {
  if (sets instanceof StoredVisitorSets) return sets.count(part);
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

/** Visitor sets as the heatmap queries read them: a part's visitor bits, or undefined when none. */
export interface ReadVisitorSets {
  get(part: number): ReadonlySet<number> | undefined;
}

/** Where one stored value holds one part: the value, its bits' offset, their number (0: a bitmap). */
interface Span {
  blob: Uint8Array;
  at: number;
  n: number;
}

/** A LEB128 value of `blob` at `at[0]` (advanced past it), or undefined when cut short. */
function readVarint(blob: Uint8Array, at: [number]): number | undefined {
  let value = 0;
  let scale = 1;
  while (at[0] < blob.length) {
    const byte = blob[at[0]++]!;
    value += (byte & 0x7f) * scale;
    scale *= 0x80;
    if (!(byte & 0x80)) return value;
  }
  return undefined;
}

/**
 * Stored values' visitor sets (`add`, one per row of the part), decoded part by part when a part
 * is asked for: a heatmap answer reads thousands of rows of some twenty parts each and, in an
 * unsegmented answer, only counts the visitors of the parts it shows. `get` gives what
 * `decodeVisitorSets` of the same values would (the union of their bits; a value of an unknown
 * layout adds nothing, one cut short what it holds up to there); `count(part)` its size, read
 * from the value without building the set when one value holds the part as a valid sparse list
 * (ascending bit numbers below `VISITOR_BITMAP_BITS`), else by building it.
 */
export class StoredVisitorSets implements ReadVisitorSets {
  readonly #spans = new Map<number, Span[]>();
  readonly #decoded = new Map<number, Set<number> | undefined>();

  add(blob: Uint8Array | null | undefined): this {
    if (!blob || blob.length < 1 || blob[0] !== VERSION) return this;
    const at: [number] = [1];
    let part = -1;
    while (at[0] < blob.length) {
      const gap = readVarint(blob, at);
      const n = readVarint(blob, at);
      if (gap === undefined || n === undefined) return this;
      part += gap + 1;
      const size = n === 0 ? BITMAP_BYTES : 2 * n;
      if (at[0] + size > blob.length) return this;
      const span = { blob, at: at[0], n };
      const spans = this.#spans.get(part);
      if (spans) spans.push(span);
      else this.#spans.set(part, [span]);
      this.#decoded.delete(part);
      at[0] += size;
    }
    return this;
  }

  get(part: number): ReadonlySet<number> | undefined {
    if (this.#decoded.has(part)) return this.#decoded.get(part);
    let set: Set<number> | undefined;
    for (const { blob, at, n } of this.#spans.get(part) ?? []) {
      set ??= new Set();
      if (n === 0) {
        for (let i = 0; i < BITMAP_BYTES; i++) {
          const byte = blob[at + i]!;
          if (byte) for (let b = 0; b < 8; b++) if (byte & (1 << b)) set.add(i * 8 + b);
        }
      } else {
        for (let i = 0, p = at; i < n; i++, p += 2) {
          const bit = (blob[p]! << 8) | blob[p + 1]!;
          if (bit < VISITOR_BITMAP_BITS) set.add(bit);
        }
      }
    }
    const found = set && set.size > 0 ? set : undefined;
    this.#decoded.set(part, found);
    return found;
  }

  /** Distinct visitors (a lower bound) of one part: `get(part)?.size ?? 0`. */
  count(part: number): number {
    const spans = this.#decoded.has(part) ? undefined : this.#spans.get(part);
    if (spans?.length === 1 && spans[0]!.n > 0) {
      const { blob, at, n } = spans[0]!;
      let previous = -1;
      let valid = true;
      for (let i = 0, p = at; i < n; i++, p += 2) {
        const bit = (blob[p]! << 8) | blob[p + 1]!;
        if (bit <= previous || bit >= VISITOR_BITMAP_BITS) {
          valid = false;
          break;
        }
        previous = bit;
      }
      if (valid) return n;
    }
    return this.get(part)?.size ?? 0;
  }
}
