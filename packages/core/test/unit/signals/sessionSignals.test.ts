import { describe, expect, it } from 'vitest';
import {
  EventType,
  emptySignalState,
  foldSessionSignals,
  HeatmapTag,
  IncrementalSource,
  MouseInteraction,
  parseErrorEvent,
  parseNetworkEvent,
  QUICK_BACK_MS,
  type SessionSignalState,
  type SignalEventLike,
  signalEvents,
  VeilCustomTag,
} from '../../../src/index.js';

const T = 1_700_000_000_000;
const page = (t: number, path: string): SignalEventLike => ({
  type: EventType.Meta,
  timestamp: t,
  data: { href: `https://shop.example${path}`, width: 1280, height: 800 },
});
const hmClick = (t: number, rage: boolean, dead: boolean): SignalEventLike => ({
  type: EventType.Custom,
  timestamp: t,
  data: { tag: HeatmapTag.Click, payload: { path: '/', el: 'button', rage, dead } },
});
const click = (t: number): SignalEventLike => ({
  type: EventType.IncrementalSnapshot,
  timestamp: t,
  data: { source: IncrementalSource.MouseInteraction, type: MouseInteraction.Click, id: 5, x: 1, y: 1 },
});
const scroll = (t: number, y: number, id = 1): SignalEventLike => ({
  type: EventType.IncrementalSnapshot,
  timestamp: t,
  data: { source: IncrementalSource.Scroll, id, x: 0, y },
});
const error = (t: number, message = 'TypeError: x is undefined'): SignalEventLike => ({
  type: EventType.Custom,
  timestamp: t,
  data: { tag: VeilCustomTag.Error, payload: { kind: 'error', message, path: '/' } },
});
const request = (t: number, status: number): SignalEventLike => ({
  type: EventType.Custom,
  timestamp: t,
  data: {
    tag: VeilCustomTag.Network,
    payload: { method: 'POST', reqPath: '/api/cart', status, ms: 12, path: '/' },
  },
});

describe('foldSessionSignals', () => {
  it('counts rage and dead clicks as the recorder flagged them', () => {
    const s = foldSessionSignals(emptySignalState(), [
      hmClick(T, true, false),
      hmClick(T + 100, true, false),
      hmClick(T + 200, true, true),
      hmClick(T + 300, false, true),
      hmClick(T + 400, false, false),
    ]);
    expect(s.counts).toMatchObject({ rageClicks: 3, deadClicks: 2 });
  });

  it('counts a quick back only when the page is left for the one before it within the window', () => {
    const quick = foldSessionSignals(emptySignalState(), [
      page(T, '/list'),
      page(T + 10_000, '/item/1'),
      page(T + 10_000 + QUICK_BACK_MS - 1, '/list'),
    ]);
    expect(quick.counts.quickBacks).toBe(1);
    const slow = foldSessionSignals(emptySignalState(), [
      page(T, '/list'),
      page(T + 10_000, '/item/1'),
      page(T + 10_000 + QUICK_BACK_MS + 1, '/list'),
    ]);
    expect(slow.counts.quickBacks).toBe(0);
    const onward = foldSessionSignals(emptySignalState(), [
      page(T, '/list'),
      page(T + 1_000, '/item/1'),
      page(T + 2_000, '/cart'),
    ]);
    expect(onward.counts.quickBacks).toBe(0);
  });

  it('spans batches: the page before lives in the state', () => {
    const first = foldSessionSignals(emptySignalState(), [page(T, '/a'), page(T + 5_000, '/b')]);
    const second = foldSessionSignals(JSON.parse(JSON.stringify(first)), [page(T + 6_000, '/a')]);
    expect(second.counts.quickBacks).toBe(1);
    expect(first.counts.quickBacks).toBe(0);
  });

  it('counts excessive scrolling once per page view after four turns of full legs', () => {
    const ys = [0, 400, 50, 500, 20, 600, 100, 700, 0, 900];
    const events = [page(T, '/long'), ...ys.map((y, i) => scroll(T + 100 * (i + 1), y))];
    expect(foldSessionSignals(emptySignalState(), events).counts.excessiveScrolls).toBe(1);
    // Jitter below a leg is no turn; reading down a long page is no turn either.
    const calm = [
      page(T, '/long'),
      ...[0, 300, 260, 600, 580, 900, 1200].map((y, i) => scroll(T + 100 * (i + 1), y)),
    ];
    expect(foldSessionSignals(emptySignalState(), calm).counts.excessiveScrolls).toBe(0);
    // A new page view counts again.
    const twice = [...events, page(T + 5_000, '/other'), ...ys.map((y, i) => scroll(T + 6_000 + 100 * i, y))];
    expect(foldSessionSignals(emptySignalState(), twice).counts.excessiveScrolls).toBe(2);
  });

  it('counts errors, error clicks (once per click, only after the click) and failed requests', () => {
    const s = foldSessionSignals(emptySignalState(), [
      error(T - 10),
      click(T),
      error(T + 500),
      error(T + 900),
      click(T + 10_000),
      error(T + 13_000),
      request(T + 1, 200),
      request(T + 2, 404),
      request(T + 3, 0),
      request(T + 4, 302),
    ]);
    expect(s.counts).toMatchObject({ jsErrors: 4, errorClicks: 1, failedRequests: 2 });
  });

  it('counts an error click whichever batch comes first (record-on-error sends the error before the click)', () => {
    const errorBatch = [error(T + 800), error(T + 900)];
    const windowBatch = [page(T - 5_000, '/cart'), click(T - 3_000), click(T)];
    const errorFirst = foldSessionSignals(foldSessionSignals(emptySignalState(), errorBatch), windowBatch);
    const inOrder = foldSessionSignals(foldSessionSignals(emptySignalState(), windowBatch), errorBatch);
    expect(errorFirst.counts).toMatchObject({ jsErrors: 2, errorClicks: 1 });
    expect(inOrder.counts).toEqual(errorFirst.counts);
    // A click later than its error, or more than the window before it, is no error click.
    const late = foldSessionSignals(foldSessionSignals(emptySignalState(), [error(T)]), [
      click(T + 1),
      click(T - 2_001),
    ]);
    expect(late.counts.errorClicks).toBe(0);
  });

  it('keeps a bounded history of clicks and errors and carries older error clicks over', () => {
    let s = emptySignalState();
    for (let i = 0; i < 200; i++)
      s = foldSessionSignals(s, [click(T + i * 60_000), error(T + i * 60_000 + 10)]);
    expect(s.counts.errorClicks).toBe(200);
    expect(s.recent.clicks.length).toBeLessThanOrEqual(64);
    expect(s.recent.errors.length).toBeLessThanOrEqual(64);
  });

  it('reads a state stored before the recent lists (last click errored)', () => {
    const legacy = {
      ...emptySignalState(),
      counts: { ...emptySignalState().counts, errorClicks: 3, jsErrors: 3 },
      lastClickAt: T,
      lastClickErrored: true,
    } as Partial<SessionSignalState>;
    delete legacy.recent;
    const s = foldSessionSignals(legacy as SessionSignalState, [error(T + 100)]);
    expect(s.counts).toMatchObject({ errorClicks: 3, jsErrors: 4 });
    expect(s).not.toHaveProperty('lastClickAt');
  });

  it('ignores malformed error and network events', () => {
    const bad: SignalEventLike[] = [
      {
        type: EventType.Custom,
        timestamp: T,
        data: { tag: VeilCustomTag.Error, payload: { kind: 'x', message: 'm', path: '/' } },
      },
      {
        type: EventType.Custom,
        timestamp: T,
        data: {
          tag: VeilCustomTag.Network,
          payload: { method: 'GET', reqPath: '/a?q=1', status: 500, ms: 1, path: '/' },
        },
      },
    ];
    expect(parseErrorEvent(bad[0]!)).toBe('invalid');
    expect(parseNetworkEvent(bad[1]!)).toBe('invalid');
    const s = foldSessionSignals(emptySignalState(), bad);
    expect(s.counts).toMatchObject({ jsErrors: 0, failedRequests: 0 });
  });

  it('does not change the state it was given', () => {
    const before = emptySignalState();
    foldSessionSignals(before, [hmClick(T, true, true), error(T)]);
    expect(before).toEqual(emptySignalState());
  });
});

describe('signalEvents', () => {
  it('keeps exactly what the fold reads: folding the subset gives the state of folding everything', () => {
    const noise: SignalEventLike[] = [
      { type: EventType.FullSnapshot, timestamp: T, data: { node: { type: 0, id: 1, childNodes: [] } } },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: T + 1,
        data: { source: IncrementalSource.Mutation, adds: [] },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: T + 2,
        data: { source: IncrementalSource.MouseMove, positions: [] },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: T + 3,
        data: { source: IncrementalSource.Input, id: 3, text: 'x' },
      },
    ];
    const counted = [
      page(T, '/a'),
      click(T + 10),
      error(T + 20),
      hmClick(T + 30, true, false),
      request(T + 40, 500),
      ...[0, 400, 0, 400, 0, 400, 0, 400].map((y, i) => scroll(T + 50 + i * 10, y)),
      page(T + 200, '/b'),
      page(T + 300, '/a'),
    ];
    const all = [...noise, ...counted].sort(() => 0).flatMap((e, i) => (i % 2 ? [e, noise[i % 4]!] : [e]));
    const subset = signalEvents(all);
    expect(subset.some((e) => e.type === EventType.FullSnapshot)).toBe(false);
    expect(subset.filter((e) => counted.includes(e))).toHaveLength(counted.length);
    expect(subset.length).toBe(counted.length);
    expect(foldSessionSignals(emptySignalState(), subset)).toEqual(
      foldSessionSignals(emptySignalState(), all),
    );
    expect(foldSessionSignals(emptySignalState(), all).counts).toMatchObject({
      jsErrors: 1,
      errorClicks: 1,
      rageClicks: 1,
      failedRequests: 1,
      excessiveScrolls: 1,
      quickBacks: 1,
    });
  });
});
