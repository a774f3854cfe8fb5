import {
  DEFAULT_PRIVACY_POLICY,
  HeatmapTag,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  segmentKey,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import {
  addBlobToDense,
  addCounts,
  decodeCounts,
  denseAt,
  denseCounts,
  encodeCounts,
} from '../../../src/heatmap/countsBlob.js';
import { addDeltas, collectDeltas } from '../../../src/heatmap/heatmapDeltas.js';
import { SeenSet } from '../../../src/heatmap/seenSet.js';
import { type BatchForPlan, planHeatmapBatch } from '../../../src/heatmap/sessionPlan.js';
import { attentionEvent, clickEvent, scrollEvent, viewEvent } from '../../support/heatmapEvents.js';

const T = Date.UTC(2025, 0, 10, 12);
const parse = (...events: ReturnType<typeof clickEvent>[]): ParsedHeatmapEvent[] =>
  events.map((e) => {
    const p = parseHeatmapEvent(e);
    if (p === null || p === 'invalid') throw new Error('not a heatmap event');
    return p;
  });

describe('counts blob', () => {
  it('round-trips sparse signed counters and adds on decode', () => {
    const counts = new Map([
      [7, [3, 1]],
      [0, [1, 0]],
      [255, [-2, 5]],
    ]);
    const blob = encodeCounts(counts, 2);
    // Varints: gaps and small counters take a byte each (255 is a two-byte gap, -2 zigzags to 3).
    expect([...blob]).toEqual([2, 2, 0, 2, 0, 6, 6, 2, 247, 1, 3, 10]);
    expect([...decodeCounts(blob)]).toEqual([
      [0, [1, 0]],
      [7, [3, 1]],
      [255, [-2, 5]],
    ]);
    const sum = decodeCounts(blob, addCounts(new Map(), new Map([[7, [1, 1]]])));
    expect(sum.get(7)).toEqual([4, 2]);
    expect(decodeCounts(Buffer.from([9, 9, 9]))).toEqual(new Map());
    // Reads sum many blobs into typed arrays; out-of-range indexes are ignored.
    const dense = addBlobToDense(blob, addBlobToDense(blob, denseCounts(256, 2)));
    expect([...denseAt(dense, 7)]).toEqual([6, 2]);
    expect([...denseAt(dense, 255)]).toEqual([-4, 10]);
    expect([...denseAt(addBlobToDense(blob, denseCounts(8, 1)), 7)]).toEqual([3]);
    const big = encodeCounts(new Map([[40_000, [3_000_000_000, -70_000]]]), 2);
    expect(decodeCounts(big).get(40_000)).toEqual([3_000_000_000, -70_000]);
  });
});

describe('collectDeltas', () => {
  it('counts clicks by element (with the relative grid) and by page cell, sessions once each', () => {
    const seen = new SeenSet();
    const events = parse(
      viewEvent(T, { path: '/orders/17' }),
      clickEvent(T + 1, { path: '/orders/17', rx: 0.1, ry: 0.1, x: 20, y: 20 }),
      clickEvent(T + 2, { path: '/orders/18', rx: 0.9, ry: 0.9, x: 21, y: 21, rage: true }),
      clickEvent(T + 2, { path: '/orders/18', rx: 0.9, ry: 0.9, x: 21, y: 21, rage: true }), // repeated event
      clickEvent(T + 3, { path: '/orders/18', el: 'a#help', x: 300, y: 40, dead: true }),
    );
    const deltas = collectDeltas(events, { pagePatterns: [], seen });
    expect([...deltas.keys()]).toEqual(['/orders/:id']);
    const d = deltas.get('/orders/:id')!;
    expect({ views: d.views, sessions: d.sessions, clicks: d.clicks, rage: d.rage, dead: d.dead }).toEqual({
      views: 1,
      sessions: 1,
      clicks: 3,
      rage: 1,
      dead: 1,
    });
    const button = d.elements.get('main#main>button:nth-of-type(1)')!;
    expect(button.click).toEqual([2, 1, 1, 1, 0, 0]);
    expect([...button.grid]).toEqual([
      [0, [1, 0, 0]],
      [63, [1, 1, 0]],
    ]);
    expect(d.elements.get('a#help')!.click).toEqual([1, 1, 0, 0, 1, 1]);
    // (20,20) and (21,21) share one 16-px cell: two clicks, one session.
    const tile = d.clickTiles.get(0)!;
    expect(tile.get(17)).toEqual([2, 1, 1, 1, 0, 0]);

    // The same session's next batch adds clicks, not sessions.
    const more = collectDeltas(parse(clickEvent(T + 9, { path: '/orders/19', x: 20, y: 20 })), {
      pagePatterns: [],
      seen,
    });
    const m = more.get('/orders/:id')!;
    expect(m.sessions).toBe(0);
    expect(m.elements.get('main#main>button:nth-of-type(1)')!.click[1]).toBe(0);
    expect(m.clickTiles.get(0)!.get(17)).toEqual([1, 0, 0, 0, 0, 0]);
    // A new session counts again.
    const other = collectDeltas(parse(clickEvent(T, { path: '/orders/1', x: 20, y: 20 })), {
      pagePatterns: [],
      seen: new SeenSet(),
    });
    expect(other.get('/orders/:id')!.clickTiles.get(0)!.get(17)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('counts scroll depth per page view, moves a view that went deeper, and sums attention', () => {
    const deltas = collectDeltas(
      parse(
        scrollEvent(T, { pct: 40.5, vh: 800 }),
        scrollEvent(T + 5, { pct: 90, prev: 40.5 }),
        attentionEvent(T + 6, {
          cells: [
            [1, 2, 300],
            [1, 3, 200],
          ],
          els: [['main#main', 500]],
        }),
      ),
      { pagePatterns: [], seen: new SeenSet() },
    );
    const d = deltas.get('/')!;
    expect(d.scrollViews).toBe(1);
    expect(d.foldPxSum).toBe(800);
    expect([...d.scroll].sort(([a], [b]) => a - b)).toEqual([
      [40, [0]],
      [90, [1]],
    ]);
    expect(d.attentionMs).toBe(500);
    expect(d.elements.get('main#main')!.attention).toEqual([500, 1]);
  });

  it('uses the site page patterns first and adds deltas up', () => {
    const a = collectDeltas(parse(clickEvent(T, { path: '/blog/hello-world' })), {
      pagePatterns: ['/blog/:slug'],
      seen: new SeenSet(),
    });
    const b = collectDeltas(parse(clickEvent(T, { path: '/blog/second-post' })), {
      pagePatterns: ['/blog/:slug'],
      seen: new SeenSet(),
    });
    const sum = addDeltas(addDeltas(new Map(), a), b);
    expect(sum.get('/blog/:slug')!.clicks).toBe(2);
    expect(sum.get('/blog/:slug')!.sessions).toBe(2);
    expect(a.get('/blog/:slug')!.clicks).toBe(1); // inputs untouched
  });
});

describe('planHeatmapBatch', () => {
  const batch = (
    seq: number,
    events: ReturnType<typeof clickEvent>[],
    over: Partial<BatchForPlan> = {},
  ): BatchForPlan => ({
    sessionId: 'sess_plan_0001',
    siteId: 'site-1',
    seq,
    receivedAt: T + seq * 5_000,
    events: parse(...events),
    tags: [],
    firstTs: Math.min(...events.map((e) => e.timestamp)),
    lastTs: Math.max(...events.map((e) => e.timestamp)),
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    region: null,
    minSessionMs: DEFAULT_PRIVACY_POLICY.minSessionMs,
    pagePatterns: [],
    ...over,
  });

  it('holds a session below the minimum length, then counts everything held', () => {
    const first = planHeatmapBatch(
      undefined,
      batch(0, [viewEvent(T, { nv: false, ref: 'search' }), clickEvent(T + 500)]),
    );
    expect(first.outcome).toBe('held');
    expect(first.writes).toEqual([]);
    expect(first.state.pending).toHaveLength(2);
    const second = planHeatmapBatch(first.state, batch(1, [clickEvent(T + 3_500, { x: 500 })]));
    expect(second.outcome).toBe('counted');
    expect(second.state.pending).toEqual([]);
    const [write] = second.writes;
    expect(write!.deltas.get('/')!.clicks).toBe(2);
    expect(write!.targets.map((t) => t.segment)).toContain(
      segmentKey({ visitor: 'returning', referrer: 'search' }),
    );
    expect(write!.targets.map((t) => t.device)).toEqual(Array(16).fill('desktop'));
    expect(new Set(write!.targets.map((t) => t.bucket)).size).toBe(4);
  });

  it('counts a retried batch once', () => {
    const s = planHeatmapBatch(undefined, batch(0, [viewEvent(T), clickEvent(T + 4_000)]));
    expect(s.outcome).toBe('counted');
    const again = planHeatmapBatch(s.state, batch(0, [viewEvent(T), clickEvent(T + 4_000)]));
    expect(again).toMatchObject({ outcome: 'duplicate', writes: [] });
  });

  it('excludes bots for good: user agent, webdriver, machine-like clicking', () => {
    expect(planHeatmapBatch(undefined, batch(0, [viewEvent(T)], { userAgent: 'curl/8.0' }))).toMatchObject({
      outcome: 'excluded',
      state: { reason: 'bot_user_agent' },
    });
    const wd = planHeatmapBatch(undefined, batch(0, [viewEvent(T, { wd: true }), clickEvent(T + 4_000)]));
    expect(wd).toMatchObject({ outcome: 'excluded', state: { reason: 'webdriver' } });
    expect(planHeatmapBatch(wd.state, batch(1, [clickEvent(T + 9_000)])).outcome).toBe('excluded');
    const robot = [
      viewEvent(T),
      ...Array.from({ length: 12 }, (_, i) => clickEvent(T + 1_000 + i * 400, { x: 50 + i * 100 })),
    ];
    expect(planHeatmapBatch(undefined, batch(0, robot))).toMatchObject({
      outcome: 'excluded',
      state: { reason: 'metronomic_clicks' },
    });
  });

  it('segments tagged data from the moment the tag is known', () => {
    const s = planHeatmapBatch(
      undefined,
      batch(0, [viewEvent(T), clickEvent(T + 4_000)], { tags: [['plan', 'pro']] }),
    );
    expect(s.writes[0]!.targets.map((t) => t.segment)).toContain(segmentKey({ tag: ['plan', 'pro'] }));
    expect(s.state.segment?.tags).toEqual([['plan', 'pro']]);
  });

  it("keeps the session's segment and capture mode", () => {
    const s = planHeatmapBatch(
      undefined,
      batch(0, [viewEvent(T, { mode: 'heatmap', vw: 390 }), clickEvent(T + 3_000)]),
    );
    expect(s.state).toMatchObject({ mode: 'heatmap', device: 'mobile', status: 'counted' });
    const next = planHeatmapBatch(s.state, batch(1, [clickEvent(T + 6_000)]));
    expect(next.state.mode).toBe('heatmap');
    expect(next.writes[0]!.targets[0]!.device).toBe('mobile');
    expect(HeatmapTag.View).toBe('veil.hm.view');
  });
});
