import { funnelItems, MAX_FUNNEL_ITEMS_PER_SESSION, urlPath } from '@veil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clickSource,
  compareSources,
  decodeSources,
  type FunnelSource,
  itemsOfSources,
  mergeSources,
  pageSource,
} from '../../src/storage/signals/funnelSequenceWrites.js';

// A session's funnel row merged batch by batch from its kept sources is the row `funnelItems`
// gives over every page view and click, whatever order the batches come in.

interface Batch {
  seq: number;
  pages: Array<{ ts: number; url: string }>;
  clicks: Array<{ ts: number; page: string; element: string }>;
}

/** What a full rebuild gives: `funnelItems` over every page view and click in (ts, seq, idx) order. */
function rebuilt(batches: readonly Batch[]) {
  const pages = batches
    .flatMap((b) => b.pages.map((p, idx) => ({ ...p, seq: b.seq, idx })))
    .sort((a, b) => a.ts - b.ts || a.seq - b.seq || a.idx - b.idx)
    .map((p) => ({ ts: p.ts, path: urlPath(p.url) || p.url }));
  const clicks = batches
    .flatMap((b) => b.clicks.map((c, idx) => ({ ...c, seq: b.seq, idx })))
    .sort((a, b) => a.ts - b.ts || a.seq - b.seq || a.idx - b.idx);
  return funnelItems(pages, clicks);
}

/**
 * Merged batch by batch in the given order, keeping only the sources the step keeps; after every
 * batch the row is the rebuilt row of the batches so far.
 */
function mergedEqualsRebuilt(batches: readonly Batch[]): void {
  let kept: FunnelSource[] = [];
  for (const [n, b] of batches.entries()) {
    const sources = mergeSources(kept, [
      ...b.pages.map((p, idx) => pageSource(b.seq, idx, p.ts, p.url)),
      ...b.clicks.map((c, idx) => clickSource(b.seq, idx, c)),
    ]);
    const next = itemsOfSources(sources);
    expect(next.items).toEqual(rebuilt(batches.slice(0, n + 1)));
    // Through the stored text, as the next batch reads it.
    kept = decodeSources(JSON.stringify(sources.slice(0, next.kept))) ?? [];
  }
}

const paths = ['/', '/a', '/b', '/cart'];
const batchArb = (seq: number, many: boolean) =>
  fc.record({
    seq: fc.constant(seq),
    pages: fc.array(
      fc.record({
        ts: fc.integer({ min: 0, max: 40 }),
        url: fc.constantFrom(...paths).map((p) => `https://s.example${p}?q=1`),
      }),
      { minLength: many ? 30 : 0, maxLength: many ? 60 : 5 },
    ),
    clicks: fc.array(
      fc.record({
        ts: fc.integer({ min: 0, max: 40 }),
        page: fc.constantFrom(...paths),
        element: fc.constantFrom('a#x', 'button'),
      }),
      { minLength: many ? 30 : 0, maxLength: many ? 60 : 4 },
    ),
  });
const sessionArb = (many: boolean) =>
  fc
    .integer({ min: many ? 6 : 1, max: many ? 12 : 6 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, seq) => batchArb(seq, many))))
    .chain((batches) =>
      fc.shuffledSubarray(batches, { minLength: batches.length, maxLength: batches.length }),
    );

describe('funnel sources', () => {
  it('orders page views before clicks at one instant, then by batch and position', () => {
    const a = pageSource(2, 0, 10, 'https://s.example/a');
    const b = clickSource(1, 0, { ts: 10, page: '/a', element: 'x' });
    const c = pageSource(1, 3, 10, 'https://s.example/b');
    expect([b, a, c].sort(compareSources)).toEqual([c, a, b]);
  });

  it('gives the rebuilt row for batches in any order', () => {
    fc.assert(
      fc.property(sessionArb(false), (batches) => {
        mergedEqualsRebuilt(batches);
      }),
      { numRuns: 500 },
    );
  });

  it(`gives the rebuilt row past ${MAX_FUNNEL_ITEMS_PER_SESSION} items, keeping no source after the last`, () => {
    fc.assert(
      fc.property(sessionArb(true), (batches) => {
        mergedEqualsRebuilt(batches);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses unreadable sources (the row is then rebuilt)', () => {
    expect(decodeSources('not json')).toBeUndefined();
    expect(decodeSources('{}')).toBeUndefined();
    expect(decodeSources('[[1,0,0,0]]')).toBeUndefined();
    expect(decodeSources('[[1,1,0,0,"/a"]]')).toBeUndefined();
    expect(decodeSources('[[1,0,0,0,"/a"],[2,1,0,0,"/a","x"]]')).toHaveLength(2);
  });
});
