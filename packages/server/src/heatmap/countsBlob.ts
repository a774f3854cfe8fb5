/**
 * Sparse counters in one binary value: what an aggregate row keeps per cell (a tile's page cells,
 * an element's relative cells, a scroll-depth histogram). Layout: `version u8 | metrics u8`, then
 * per entry, in index order, the gap to the previous index and each counter, all as LEB128
 * varints (counters zigzag-encoded: a correction, such as a page view moved to a deeper scroll
 * bin, may subtract). Small counts take a byte each, which keeps rows small and reads fast.
 */

const VERSION = 2;
const HEADER_BYTES = 2;

/** Cell index → one counter per metric. */
export type Counts = Map<number, number[]>;

function putVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (n: number): number => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

export function encodeCounts(counts: Counts, metrics: number): Buffer {
  const indexes = [...counts.keys()].sort((a, b) => a - b);
  const out: number[] = [VERSION, metrics];
  let previous = -1;
  for (const index of indexes) {
    const values = counts.get(index)!;
    putVarint(out, index - previous - 1);
    previous = index;
    for (let m = 0; m < metrics; m++) putVarint(out, zigzag(Math.round(values[m] ?? 0)));
  }
  return Buffer.from(out);
}

/**
 * Walks a blob's entries: `visit(index, metric, value)` for every counter. Returns false for a
 * blob of an unknown layout (it counts as empty).
 */
function walk(blob: Uint8Array, visit: (index: number, metric: number, value: number) => void): boolean {
  if (blob.length < HEADER_BYTES || blob[0] !== VERSION) return false;
  const metrics = blob[1]!;
  let at = HEADER_BYTES;
  let index = -1;
  let field = -1; // -1: the next varint is an index gap
  while (at < blob.length) {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = blob[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80 && at < blob.length);
    if (field === -1) {
      index += value + 1;
      field = 0;
    } else {
      visit(index, field, unzigzag(value));
      field = field + 1 === metrics ? -1 : field + 1;
    }
  }
  return true;
}

/** Decodes into `into` (added to what it holds), or a new map. An unknown layout decodes as empty. */
export function decodeCounts(blob: Uint8Array | null | undefined, into: Counts = new Map()): Counts {
  if (!blob) return into;
  const metrics = blob[1] ?? 0;
  walk(blob, (index, metric, value) => {
    let values = into.get(index);
    if (!values) {
      values = new Array<number>(metrics).fill(0);
      into.set(index, values);
    }
    values[metric] = (values[metric] ?? 0) + value;
  });
  return into;
}

/** Adds `delta` into `target`, metric by metric. */
export function addCounts(target: Counts, delta: Counts): Counts {
  for (const [index, values] of delta) {
    const existing = target.get(index);
    if (!existing) target.set(index, [...values]);
    else for (let m = 0; m < values.length; m++) existing[m] = (existing[m] ?? 0) + values[m]!;
  }
  return target;
}

/** Adds `values` at `index`. */
export function bump(counts: Counts, index: number, values: readonly number[]): void {
  const existing = counts.get(index);
  if (!existing) counts.set(index, [...values]);
  else for (let m = 0; m < values.length; m++) existing[m] = (existing[m] ?? 0) + values[m]!;
}

/**
 * Counters over a small fixed index space (a tile's 256 cells, an element's grid, 101 scroll
 * bins) in one typed array, `metrics` values per index: what reads sum many rows into.
 */
export interface DenseCounts {
  readonly size: number;
  readonly metrics: number;
  readonly values: Float64Array;
}

export function denseCounts(size: number, metrics: number): DenseCounts {
  return { size, metrics, values: new Float64Array(size * metrics) };
}

/** Adds a blob's counters into `into` (indexes outside its size and extra metrics are ignored). */
export function addBlobToDense(blob: Uint8Array | null | undefined, into: DenseCounts): DenseCounts {
  // The hot path of every heatmap read: `walk` written out without a callback.
  if (!blob || blob.length < HEADER_BYTES || blob[0] !== VERSION) return into;
  const { size, metrics, values } = into;
  const stored = blob[1]!;
  let at = HEADER_BYTES;
  let index = -1;
  let field = -1;
  while (at < blob.length) {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = blob[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80 && at < blob.length);
    if (field === -1) {
      index += value + 1;
      field = 0;
      continue;
    }
    if (index < size && field < metrics) values[index * metrics + field]! += unzigzag(value);
    field = field + 1 === stored ? -1 : field + 1;
  }
  return into;
}

/** The counters at `index`. */
export function denseAt(d: DenseCounts, index: number): Float64Array {
  return d.values.subarray(index * d.metrics, (index + 1) * d.metrics);
}
