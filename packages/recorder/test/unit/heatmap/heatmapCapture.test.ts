import {
  ATTENTION_REST_CAP_MS,
  DEAD_CLICK_WINDOW_MS,
  DEFAULT_PRIVACY_POLICY,
  type HeatmapClickPayload,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import { createAttentionTracker } from '../../../src/recorder/heatmap/AttentionTracker.js';
import { createClickTracker, type ObservedClick } from '../../../src/recorder/heatmap/ClickTracker.js';
import { createScrollDepth } from '../../../src/recorder/heatmap/ScrollDepth.js';
import { sessionSegmentFacts } from '../../../src/recorder/heatmap/segmentFacts.js';
import { parseSiteConfig } from '../../../src/shared/siteConfig.js';
import { FakeClock, MemoryStorage } from '../support/fakes.js';

function tracker() {
  const clock = new FakeClock(1_000_000);
  const emitted: Array<{ click: HeatmapClickPayload; t: number }> = [];
  const errors: unknown[] = [];
  const clicks = createClickTracker(
    clock,
    (click, t) => emitted.push({ click, t }),
    (e) => errors.push(e),
  );
  const click = (over: Partial<ObservedClick> = {}): ObservedClick => ({
    path: '/p',
    el: 'main#main>button:nth-of-type(1)',
    rx: 0.5,
    ry: 0.5,
    x: 100,
    y: 200,
    vw: 1280,
    vh: 800,
    dw: 1280,
    dh: 2000,
    kind: 'control',
    t: clock.now(),
    ...over,
  });
  return { clock, emitted, errors, clicks, click };
}

describe('click tracker', () => {
  it('holds a click for its dead-click window, then emits it dead when nothing responded', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.add(click());
    clock.advance(DEAD_CLICK_WINDOW_MS - 10);
    expect(emitted).toHaveLength(0);
    clock.advance(20);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.click).toMatchObject({
      dead: true,
      rage: false,
      el: 'main#main>button:nth-of-type(1)',
    });
    expect(emitted[0]!.click).not.toHaveProperty('kind');
    expect(emitted[0]!.t).toBe(1_000_000);
  });
  it('emits a click alive when the DOM (or anything visible) responded in the window', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.add(click());
    clock.advance(300);
    clicks.respond(clock.now());
    clock.advance(DEAD_CLICK_WINDOW_MS);
    expect(emitted.map((e) => e.click.dead)).toEqual([false]);
  });
  it('counts a response to the press (pointerdown) before the click', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.pointerDown(clock.now());
    clock.advance(40);
    clicks.respond(clock.now());
    clock.advance(60);
    clicks.add(click());
    clock.advance(DEAD_CLICK_WINDOW_MS + 10);
    expect(emitted[0]!.click.dead).toBe(false);
  });
  it('never calls a field, link or plain click dead', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.add(click({ kind: 'field' }));
    clicks.add(click({ kind: 'link', x: 500 }));
    clicks.add(click({ kind: 'plain', x: 900 }));
    clock.advance(DEAD_CLICK_WINDOW_MS + 10);
    expect(emitted.map((e) => e.click.dead)).toEqual([false, false, false]);
  });
  it('flags every click of a rage burst, with their own times', () => {
    const { clock, emitted, clicks, click } = tracker();
    for (let i = 0; i < 4; i++) {
      clicks.add(click({ x: 100 + i * 3 }));
      clock.advance(150);
    }
    clock.advance(3_000);
    clicks.add(click({ x: 900 }));
    clock.advance(DEAD_CLICK_WINDOW_MS + 10);
    expect(emitted.map((e) => e.click.rage)).toEqual([true, true, true, true, false]);
    expect(emitted.map((e) => e.t - 1_000_000)).toEqual([0, 150, 300, 450, 3_600]);
  });
  it('on flush (page hides) emits at once; leaving answers the clicks still waiting', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.add(click());
    clock.advance(100);
    clicks.flush();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.click.dead).toBe(false);
    expect(clicks.waiting).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
  it('discards what waits when capture stops', () => {
    const { clock, emitted, clicks, click } = tracker();
    clicks.add(click());
    clicks.discard();
    clock.advance(DEAD_CLICK_WINDOW_MS * 2);
    expect(emitted).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('scroll depth', () => {
  it('reports the deepest point once, and later only when the view went deeper (with prev)', () => {
    const depth = createScrollDepth('/p');
    expect(depth.report()).toBeNull();
    depth.update({ scrollY: 0, vw: 1280, vh: 800, dh: 4000 });
    depth.update({ scrollY: 1200, vw: 1280, vh: 800, dh: 4000 });
    depth.update({ scrollY: 300, vw: 1280, vh: 800, dh: 4000 });
    expect(depth.report()).toEqual({ path: '/p', vw: 1280, vh: 800, dh: 4000, pct: 50 });
    expect(depth.report()).toBeNull();
    depth.update({ scrollY: 3600, vw: 1280, vh: 800, dh: 4000 });
    expect(depth.report()).toEqual({ path: '/p', vw: 1280, vh: 800, dh: 4000, pct: 100, prev: 50 });
  });
  it('treats a page shorter than the viewport as fully seen', () => {
    const depth = createScrollDepth('/');
    depth.update({ scrollY: 0, vw: 390, vh: 800, dh: 600 });
    expect(depth.report()?.pct).toBe(100);
  });
});

describe('attention', () => {
  it('credits dwell to the cell and element the pointer rested on, capped per rest', () => {
    const a = createAttentionTracker();
    a.move(0, 10, 10, 'main#main');
    a.move(1_000, 40, 10, 'main#main>a:nth-of-type(1)');
    a.move(1_000 + 60_000, 40, 10, null); // walked away: capped
    const p = a.take(61_000, '/p', 1280)!;
    expect(p.cells).toEqual([
      [0, 0, 1_000],
      [2, 0, ATTENTION_REST_CAP_MS],
    ]);
    expect(p.els).toEqual([
      ['main#main', 1_000],
      ['main#main>a:nth-of-type(1)', ATTENTION_REST_CAP_MS],
    ]);
  });
  it('keeps one rest capped across takes, and stops while paused', () => {
    const a = createAttentionTracker();
    a.move(0, 0, 0, 'x');
    expect(a.take(3_000, '/p', 1)?.cells).toEqual([[0, 0, 3_000]]);
    expect(a.take(30_000, '/p', 1)?.cells).toEqual([[0, 0, ATTENTION_REST_CAP_MS - 3_000]]);
    expect(a.take(40_000, '/p', 1)).toBeNull();
    a.move(50_000, 0, 0, 'x');
    a.pause(50_500);
    expect(a.take(90_000, '/p', 1)?.cells).toEqual([[0, 0, 500]]);
  });
});

describe('session segment facts', () => {
  it("decides on the session's first page and keeps the decision for its later pages", () => {
    const storage = new MemoryStorage();
    const first = sessionSegmentFacts(
      storage,
      'sess-a',
      true,
      'https://www.google.com/',
      'https://shop.example/x',
    );
    expect(first).toEqual({ nv: true, ref: 'search' });
    // Page 2 of the same session: an internal referrer, the visitor id exists by now.
    expect(
      sessionSegmentFacts(storage, 'sess-a', false, 'https://shop.example/x', 'https://shop.example/y'),
    ).toEqual(first);
    // A later session of the same visitor.
    expect(sessionSegmentFacts(storage, 'sess-b', false, '', 'https://shop.example/')).toEqual({
      nv: false,
      ref: 'direct',
    });
    expect(storage.map.get('veil:segment')).not.toContain('google');
  });
  it('survives unreadable storage', () => {
    const storage = new MemoryStorage();
    storage.map.set('veil:segment', '{broken');
    expect(sessionSegmentFacts(storage, 's', true, '', 'https://a.example/')).toEqual({
      nv: true,
      ref: 'direct',
    });
    expect(sessionSegmentFacts(null, 's', false, '', 'https://a.example/')).toEqual({
      nv: false,
      ref: 'direct',
    });
  });
});

describe('site config: heatmap-only capture', () => {
  const config = (policy: Record<string, unknown>) => ({
    siteKey: 'site_0001',
    lawfulBasis: 'consent',
    samplingPercent: 100,
    policy: { ...DEFAULT_PRIVACY_POLICY, ...policy },
  });
  it('reads the fields, with off as the default of a server that does not send them', () => {
    expect(parseSiteConfig(config({ heatmapOnly: true, heatmapOnlyPages: ['/a/**'] }))?.policy).toMatchObject(
      {
        heatmapOnly: true,
        heatmapOnlyPages: ['/a/**'],
      },
    );
    const { heatmapOnly: _a, heatmapOnlyPages: _b, ...older } = DEFAULT_PRIVACY_POLICY;
    expect(parseSiteConfig({ ...config({}), policy: older })?.policy).toMatchObject({
      heatmapOnly: false,
      heatmapOnlyPages: [],
    });
  });
  it('refuses malformed values (records nothing)', () => {
    expect(parseSiteConfig(config({ heatmapOnly: 'yes' }))).toBeNull();
    expect(parseSiteConfig(config({ heatmapOnlyPages: [1] }))).toBeNull();
  });
});
