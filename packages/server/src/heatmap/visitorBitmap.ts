/**
 * Distinct visitors of a heatmap aggregate row, kept as a bitmap: each visitor sets one bit, chosen
 * by a keyed hash of its visitor id (`SubjectHasher.heatmapVisitorBit`). Adding the same visitor
 * again changes nothing, so no per-visitor state is kept and retries cannot count twice; rows of
 * several days or device classes combine with a bitwise OR into the distinct visitors of the whole
 * selection. The bitmap holds no identifier, like the counters beside it.
 *
 * The number of set bits never exceeds the number of distinct visitors (two visitors may share a
 * bit, never one visitor two bits): the cohort check uses it as is, a lower bound, so it can only
 * err towards refusing (privacy code fails closed).
 */

/** Bits per bitmap: 512 bytes a row; two of 20 visitors share a bit with about 5 % probability. */
export const VISITOR_BITMAP_BITS = 4096;
const BYTES = VISITOR_BITMAP_BITS / 8;

export function emptyVisitorBitmap(): Uint8Array {
  return new Uint8Array(BYTES);
}

/** Reads a stored bitmap; anything not of the expected size counts as no visitor (fails closed). */
export function decodeVisitorBitmap(stored: Uint8Array | null | undefined): Uint8Array {
  const out = emptyVisitorBitmap();
  if (stored && stored.length === BYTES) out.set(stored);
  return out;
}

export function setVisitorBit(bitmap: Uint8Array, bit: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit >= VISITOR_BITMAP_BITS) return;
  bitmap[bit >> 3]! |= 1 << (bit & 7);
}

/** `into |= from`, returns `into`. */
export function orVisitorBitmap(into: Uint8Array, from: Uint8Array): Uint8Array {
  for (let i = 0; i < into.length && i < from.length; i++) into[i]! |= from[i]!;
  return into;
}

/** Set bits: a lower bound of the distinct visitors. */
export function visitorCount(bitmap: Uint8Array): number {
  let n = 0;
  for (const byte of bitmap) {
    let b = byte;
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}
