import { describe, expect, it } from 'vitest';
import { elementLabel, elementRows } from '../../src/heatmaps/ElementTable';
import { exportName, toCsv } from '../../src/heatmaps/exportFiles';
import type { ClickHeatmap } from '../../src/heatmaps/heatmapApi';
import {
  EMPTY_SEGMENT,
  heatmapViewToSearch,
  parseHeatmapView,
  queryOf,
} from '../../src/heatmaps/heatmapFilters';
import { clickPoints, depthReachedBy, maxWeight, scrollBands } from '../../src/heatmaps/heatPoints';

const clicks: ClickHeatmap = {
  page: '/',
  device: 'desktop',
  from: 0,
  to: 1,
  k: 5,
  minCohort: 20,
  withheldDays: [],
  totals: { views: 10, sessions: 8, clicks: 30, rage: 6, dead: 3 },
  cellPx: 16,
  elementGridCells: 8,
  elements: [
    {
      path: 'main#main>button:nth-of-type(2)',
      clicks: 20,
      share: 2 / 3,
      sessions: 8,
      rage: 6,
      dead: 0,
      grid: [
        [0, 12, 6, 0],
        [63, 8, 0, 0],
      ],
    },
    { path: 'a#help', clicks: 10, share: 1 / 3, sessions: 5, rage: 0, dead: 3, grid: [[27, 10, 0, 3]] },
  ],
  cells: [
    [2, 3, 20, 6, 0],
    [10, 1, 10, 0, 3],
  ],
  suppressed: { elements: 0, cells: 0, gridCells: 0 },
};

describe('heatmap view in the URL', () => {
  it('round-trips, leaving defaults out', () => {
    const view = parseHeatmapView(
      '?page=%2Forders%2F%3Aid&mode=rage&device=mobile&visitor=new&tag=plan%3Apro%3Ax&compare=1&b.from=2025-01-01&b.to=2025-01-31',
    );
    expect(view).toEqual({
      page: '/orders/:id',
      mode: 'rage',
      device: 'mobile',
      by: 'element',
      a: { ...EMPTY_SEGMENT, visitor: 'new', tag: ['plan', 'pro:x'] },
      b: { ...EMPTY_SEGMENT, from: '2025-01-01', to: '2025-01-31' },
    });
    expect(parseHeatmapView(heatmapViewToSearch(view))).toEqual(view);
    expect(heatmapViewToSearch(parseHeatmapView(''))).toBe('');
  });
  it('falls back to defaults for anything malformed', () => {
    expect(
      parseHeatmapView('?page=orders&mode=x&device=watch&days=12&referrer=friends&visitor=y&from=2025-1-1'),
    ).toEqual(parseHeatmapView(''));
  });
  it('turns a side into its API query (UTC days, to the end of the last)', () => {
    const now = Date.UTC(2025, 5, 30, 12);
    expect(queryOf({ ...EMPTY_SEGMENT, days: 7 }, 'tablet', now)).toMatchObject({
      device: 'tablet',
      to: now,
      from: now - 6 * 86_400_000,
    });
    const q = queryOf(
      { ...EMPTY_SEGMENT, from: '2025-03-02', to: '2025-03-01', referrer: 'search' },
      'desktop',
      now,
    );
    expect(q).toMatchObject({
      from: Date.UTC(2025, 2, 1),
      to: Date.UTC(2025, 2, 2, 23, 59, 59, 999),
      referrer: 'search',
    });
  });
});

describe('heat points', () => {
  const box = { left: 100, top: 200, width: 80, height: 40 };
  it('places clicks inside their element as this layout draws it, whatever width they were made at', () => {
    const { points, missing } = clickPoints(clicks, 'click', 'element', (p) => (p === 'a#help' ? null : box));
    expect(missing).toEqual(['a#help']);
    expect(points).toEqual([
      { x: 105, y: 202.5, weight: 12 },
      { x: 175, y: 237.5, weight: 8 },
    ]);
    expect(clickPoints(clicks, 'rage', 'element', () => box).points).toEqual([
      { x: 105, y: 202.5, weight: 6 },
    ]);
    expect(maxWeight(points)).toBe(12);
  });
  it('or at their page cells', () => {
    expect(clickPoints(clicks, 'dead', 'page', () => null).points).toEqual([{ x: 168, y: 24, weight: 3 }]);
    expect(clickPoints(clicks, 'click', 'page', () => null).points).toHaveLength(2);
  });
  it('draws scroll reach as bands and finds where a share of views stops', () => {
    const reach = Array.from({ length: 101 }, (_, d) => (d <= 40 ? 1 : d <= 80 ? 0.5 : 0.1));
    const bands = scrollBands(reach, 2000);
    expect(bands).toHaveLength(100);
    expect(bands[0]).toEqual({ y0: 0, y1: 20, share: 1 });
    expect(bands[99]).toEqual({ y0: 1980, y1: 2000, share: 0.1 });
    expect(depthReachedBy(reach, 0.5)).toBe(80);
    expect(depthReachedBy(reach, 0.75)).toBe(40);
  });
});

describe('element table and exports', () => {
  it('ranks by the mode and labels elements readably', () => {
    expect(elementRows('dead', clicks, null).map((r) => [r.path, r.value, r.share])).toEqual([
      ['a#help', 3, 1],
    ]);
    expect(elementRows('click', clicks, null).map((r) => r.path)).toEqual([
      'main#main>button:nth-of-type(2)',
      'a#help',
    ]);
    expect(elementLabel('main#main>div:nth-of-type(2)>button:nth-of-type(1)')).toBe('div 2 › button');
  });
  it('writes CSV that spreadsheets cannot execute', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, "y"', 2],
          ['=HYPERLINK("evil")', -1],
        ],
      ),
    ).toBe('a,b\r\n"x, ""y""",2\r\n"\'=HYPERLINK(""evil"")",-1\r\n');
    expect(exportName('site_key01', '/orders/:id', 'rage', 'png')).toBe(
      'heatmap-site-key01-orders-id-rage.png',
    );
  });
});
