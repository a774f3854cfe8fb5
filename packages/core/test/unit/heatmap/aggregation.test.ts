import {
  BUCKET_LEVEL_DAYS,
  bucketOfId,
  bucketsContainingDay,
  bucketsCovering,
  cellOfTile,
  ELEMENT_GRID_CELLS,
  elementCell,
  elementCellCenter,
  kAnonymous,
  MS_PER_DAY,
  PAGE_CELL_PX,
  pageCell,
  segmentKey,
  segmentKeysOf,
  tileOfCell,
  unsupportedSegmentFilter,
  utcDay,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('grid', () => {
  it('puts page positions in cells and clamps the outside', () => {
    expect(pageCell(0, 0)).toEqual({ cx: 0, cy: 0 });
    expect(pageCell(PAGE_CELL_PX - 0.01, PAGE_CELL_PX)).toEqual({ cx: 0, cy: 1 });
    expect(pageCell(-5, Number.NaN)).toEqual({ cx: 0, cy: 0 });
    expect(pageCell(1e9, 40).cx).toBeGreaterThan(0);
  });
  it('stores cells in tiles and gets them back', () => {
    for (const cell of [
      { cx: 0, cy: 0 },
      { cx: 15, cy: 15 },
      { cx: 16, cy: 3 },
      { cx: 79, cy: 250 },
      { cx: 700, cy: 9_000 },
    ]) {
      const { tile, index } = tileOfCell(cell);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(256);
      expect(cellOfTile(tile, index)).toEqual(cell);
    }
    expect(tileOfCell({ cx: 3, cy: 4 }).tile).toBe(tileOfCell({ cx: 12, cy: 9 }).tile);
  });
  it('maps relative positions inside an element to a small grid', () => {
    const n = ELEMENT_GRID_CELLS;
    expect(elementCell(0, 0)).toBe(0);
    expect(elementCell(1, 1)).toBe(n * n - 1);
    expect(elementCell(0.5, 0)).toBe(n / 2);
    expect(elementCell(Number.NaN, 2)).toBe((n - 1) * n + n / 2);
    const centre = elementCellCenter(elementCell(0.3, 0.7));
    expect(Math.abs(centre.rx - 0.3)).toBeLessThanOrEqual(0.5 / n);
    expect(Math.abs(centre.ry - 0.7)).toBeLessThanOrEqual(0.5 / n);
  });
});

describe('time buckets', () => {
  it('counts days in UTC', () => {
    expect(utcDay(0)).toBe(0);
    expect(utcDay(MS_PER_DAY - 1)).toBe(0);
    expect(utcDay(Date.UTC(2024, 0, 2))).toBe(19_724);
  });
  it('puts each day in one bucket per level, each containing it', () => {
    const day = 19_733;
    const ids = bucketsContainingDay(day);
    expect(ids).toHaveLength(BUCKET_LEVEL_DAYS.length);
    for (const id of ids) {
      const b = bucketOfId(id);
      expect(day).toBeGreaterThanOrEqual(b.startDay);
      expect(day).toBeLessThan(b.startDay + b.days);
    }
  });
  it('covers any range exactly, without overlap, with few buckets', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 500; i++) {
      const from = 19_000 + Math.floor(random() * 400);
      const to = from + Math.floor(random() * 120);
      const days: number[] = [];
      const ids = bucketsCovering(from, to);
      for (const id of ids) {
        const b = bucketOfId(id);
        expect(bucketsContainingDay(b.startDay)).toContain(id);
        for (let d = b.startDay; d < b.startDay + b.days; d++) days.push(d);
      }
      expect(days).toEqual(Array.from({ length: to - from + 1 }, (_, k) => from + k));
      expect(ids.length).toBeLessThanOrEqual(3 * 2 * 3 + 2);
    }
    // A 30-day range reads a handful of buckets rather than 30 days.
    expect(bucketsCovering(19_700, 19_729).length).toBeLessThanOrEqual(12);
    expect(bucketsCovering(5, 4)).toEqual([]);
  });
});

describe('k-anonymity', () => {
  it('shows only what at least k sessions contributed to', () => {
    const cells = [
      { id: 'a', sessions: 5 },
      { id: 'b', sessions: 4 },
      { id: 'c', sessions: 12 },
    ];
    expect(kAnonymous(cells, (c) => c.sessions)).toEqual({ shown: [cells[0], cells[2]], suppressed: 1 });
    expect(kAnonymous(cells, (c) => c.sessions, 10).shown.map((c) => c.id)).toEqual(['c']);
  });
});

describe('segments', () => {
  it('has one canonical key per filter', () => {
    expect(segmentKey({})).toBe('v=*;r=*;g=*;t=');
    expect(segmentKey({ visitor: 'new', referrer: 'search' })).toBe('v=new;r=search;g=*;t=');
    expect(segmentKey({ tag: ['plan', 'pro tier;x=1'] })).toBe('v=*;r=*;g=*;t=plan=pro%20tier%3Bx%3D1');
  });
  it("counts a session under every combination of its own values and 'any', plus its tags", () => {
    const keys = segmentKeysOf({
      visitor: 'returning',
      referrer: 'social',
      region: 'DE',
      tags: [
        ['plan', 'pro'],
        ['plan', 'pro'],
        ['team', 'b'],
      ],
    });
    expect(keys).toHaveLength(8 + 2);
    expect(keys).toContain(segmentKey({}));
    expect(keys).toContain(segmentKey({ visitor: 'returning', referrer: 'social', region: 'DE' }));
    expect(keys).toContain(segmentKey({ region: 'DE' }));
    expect(keys).toContain(segmentKey({ tag: ['team', 'b'] }));
    // Without regions, no region combinations.
    expect(segmentKeysOf({ visitor: 'new', referrer: 'direct', region: null, tags: [] })).toHaveLength(4);
  });
  it('says which filters the aggregates cannot answer', () => {
    expect(unsupportedSegmentFilter({ visitor: 'new', referrer: 'email', region: 'FR' })).toBeNull();
    expect(unsupportedSegmentFilter({ tag: ['a', 'b'] })).toBeNull();
    expect(unsupportedSegmentFilter({ tag: ['a', 'b'], visitor: 'new' })).toMatch(/tag/);
  });
});
