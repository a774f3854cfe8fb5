import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeVisitorSets,
  encodeVisitorSets,
  StoredVisitorSets,
  type VisitorSets,
  visitorsOf,
} from '../../../src/heatmap/visitorSets.js';

/** The sets as decodeVisitorSets reads them: part → sorted bits, parts without a bit left out. */
function plain(sets: VisitorSets): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (const [part, bits] of sets) if (bits.size > 0) out[part] = [...bits].sort((a, b) => a - b);
  return out;
}

/**
 * What StoredVisitorSets answers (get, and count before or after get) for the parts `expected`
 * has and every part up to 900, in the same shape as `plain`.
 */
function lazily(blobs: ReadonlyArray<Uint8Array | null>, expected: VisitorSets, countFirst: boolean) {
  const stored = new StoredVisitorSets();
  for (const b of blobs) stored.add(b);
  const parts = new Set([...expected.keys(), ...Array.from({ length: 901 }, (_, i) => i)]);
  const out: Record<number, number[]> = {};
  const miscounted: number[] = [];
  for (const part of parts) {
    const counted = countFirst ? visitorsOf(stored, part) : undefined;
    const bits = stored.get(part);
    const size = bits?.size ?? 0;
    if (visitorsOf(stored, part) !== size || (counted !== undefined && counted !== size))
      miscounted.push(part);
    if (bits) out[part] = [...bits].sort((a, b) => a - b);
  }
  expect(miscounted).toEqual([]);
  return out;
}

const setsArb = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 800 }),
      fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 300 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => {
    const sets: VisitorSets = new Map();
    for (const [part, bits] of parts) sets.set(part, new Set(bits));
    return sets;
  });

describe('StoredVisitorSets: the heatmap reads decode visitor sets part by part', () => {
  it('gives what decodeVisitorSets gives, value by value and unioned (sparse and bitmap parts)', () => {
    fc.assert(
      fc.property(fc.array(setsArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (many, countFirst) => {
        const blobs = many.map(encodeVisitorSets);
        const expected: VisitorSets = new Map();
        for (const b of blobs) decodeVisitorSets(b, expected);
        expect(lazily(blobs, expected, countFirst)).toEqual(plain(expected));
      }),
    );
  });

  it('reads damaged values as decodeVisitorSets does: cut short, out of order, duplicate or out-of-range bits, unknown layout', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        setsArb,
        fc.nat(),
        fc.boolean(),
        (noise, sets, cut, countFirst) => {
          const good = encodeVisitorSets(sets) ?? Buffer.from([1]);
          const blobs = [
            Uint8Array.from([1, ...noise]),
            Uint8Array.from(noise),
            good.subarray(0, cut % (good.length + 1)),
          ];
          for (const blob of blobs) {
            const expected = decodeVisitorSets(blob);
            expect(lazily([blob], expected, countFirst)).toEqual(plain(expected));
          }
        },
      ),
    );
    // A sparse part listing bit 5 twice and bit 4096: one distinct visitor, never counted as three.
    const twice = Uint8Array.from([1, 0, 3, 0, 5, 0, 5, 0x10, 0x00]);
    expect(plain(decodeVisitorSets(twice))).toEqual({ 0: [5] });
    expect(visitorsOf(new StoredVisitorSets().add(twice), 0)).toBe(1);
  });
});
