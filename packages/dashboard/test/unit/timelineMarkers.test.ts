import type { RecordedEvent } from '@veil/core';
import { EventType, IncrementalSource, MouseInteraction, VeilCustomTag } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { activityItems } from '../../src/replay/activityItems';
import {
  describeMarkers,
  extractTimelineMarkers,
  layoutMarkers,
  pageVisits,
  signalMarkers,
} from '../../src/replay/timelineMarkers';

const T0 = 1_700_000_000_000;

function meta(ts: number, href: string): RecordedEvent {
  return { type: EventType.Meta, timestamp: T0 + ts, data: { href, width: 1280, height: 800 } };
}
function full(ts: number): RecordedEvent {
  return {
    type: EventType.FullSnapshot,
    timestamp: T0 + ts,
    data: { node: {}, initialOffset: { top: 0, left: 0 } },
  };
}
function mouse(ts: number, type: number): RecordedEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp: T0 + ts,
    data: { source: IncrementalSource.MouseInteraction, type, id: 7, x: 10, y: 20 },
  };
}
function pageview(ts: number, url: string, title: string): RecordedEvent {
  return {
    type: EventType.Custom,
    timestamp: T0 + ts,
    data: { tag: VeilCustomTag.PageView, payload: { url, title } },
  };
}

describe('extractTimelineMarkers', () => {
  it('finds clicks and page changes with offsets from the first event', () => {
    const markers = extractTimelineMarkers([
      meta(0, 'https://shop.example/'),
      full(1),
      mouse(500, MouseInteraction.MouseDown),
      mouse(520, MouseInteraction.MouseUp),
      mouse(540, MouseInteraction.Click),
      meta(3000, 'https://shop.example/cart'),
      full(3001),
      mouse(4000, MouseInteraction.DblClick),
      mouse(4100, MouseInteraction.Click),
    ]);
    expect(markers).toEqual([
      { kind: 'page', offsetMs: 0, url: 'https://shop.example/', title: '' },
      { kind: 'click', offsetMs: 540 },
      { kind: 'page', offsetMs: 3000, url: 'https://shop.example/cart', title: '' },
      { kind: 'click', offsetMs: 4100 },
    ]);
  });

  it('treats repeated Meta events of one page (re-snapshots) as one page change', () => {
    const markers = extractTimelineMarkers([
      meta(0, 'https://a.example/x'),
      full(1),
      meta(9000, 'https://a.example/x'),
    ]);
    expect(markers.filter((m) => m.kind === 'page')).toHaveLength(1);
  });

  it('reads veil.pageview events and lends their title to the Meta of the same page', () => {
    const markers = extractTimelineMarkers([
      meta(0, 'https://a.example/'),
      pageview(2, 'https://a.example/', 'Home'),
      pageview(5000, 'https://a.example/pricing', 'Pricing'),
    ]);
    expect(markers).toEqual([
      { kind: 'page', offsetMs: 0, url: 'https://a.example/', title: 'Home' },
      { kind: 'page', offsetMs: 5000, url: 'https://a.example/pricing', title: 'Pricing' },
    ]);
  });

  it('sorts events first and ignores other custom tags and malformed data', () => {
    const markers = extractTimelineMarkers([
      mouse(800, MouseInteraction.Click),
      meta(100, 'https://a.example/'),
      {
        type: EventType.Custom,
        timestamp: T0 + 300,
        data: { tag: VeilCustomTag.Tag, payload: { url: 'x' } },
      },
      { type: EventType.IncrementalSnapshot, timestamp: T0 + 400, data: null },
      { type: EventType.Meta, timestamp: T0 + 500, data: 'nope' },
    ]);
    expect(markers).toEqual([
      { kind: 'page', offsetMs: 0, url: 'https://a.example/', title: '' },
      { kind: 'click', offsetMs: 700 },
    ]);
  });

  it('returns nothing for no events', () => {
    expect(extractTimelineMarkers([])).toEqual([]);
  });
});

describe('signalMarkers', () => {
  it('ticks the rage and dead clicks, errors and failed requests of the activity, not clicks, pages or tags', () => {
    const activity = activityItems([
      meta(0, 'https://a.example/'),
      mouse(100, MouseInteraction.Click),
      {
        type: EventType.Custom,
        timestamp: T0 + 100,
        data: { tag: 'veil.hm.click', payload: { el: 'b', rage: true } },
      },
      {
        type: EventType.Custom,
        timestamp: T0 + 200,
        data: { tag: VeilCustomTag.Tag, payload: { key: 'k', value: 'v' } },
      },
      {
        type: EventType.Custom,
        timestamp: T0 + 300,
        data: { tag: VeilCustomTag.Error, payload: { kind: 'error', message: 'boom', path: '/' } },
      },
      {
        type: EventType.Custom,
        timestamp: T0 + 400,
        data: {
          tag: VeilCustomTag.Network,
          payload: { method: 'GET', reqPath: '/api/x', status: 404, ms: 5, path: '/' },
        },
      },
    ]);
    expect(signalMarkers(activity)).toEqual([
      { kind: 'rage', offsetMs: 100, label: 'Rage click b' },
      { kind: 'error', offsetMs: 300, label: 'boom' },
      { kind: 'request', offsetMs: 400, label: 'GET /api/x → 404' },
    ]);
  });
});

describe('pageVisits', () => {
  it("prefers the server's page views, placed on the replay clock", () => {
    const visits = pageVisits(
      [
        { url: 'https://a.example/b', title: 'B', ts: T0 + 4000 },
        { url: 'https://a.example/', title: 'Home', ts: T0 },
      ],
      [],
      T0,
    );
    expect(visits).toEqual([
      { url: 'https://a.example/', title: 'Home', offsetMs: 0 },
      { url: 'https://a.example/b', title: 'B', offsetMs: 4000 },
    ]);
  });

  it('falls back to the page markers', () => {
    const markers = extractTimelineMarkers([meta(0, 'https://a.example/'), mouse(5, MouseInteraction.Click)]);
    expect(pageVisits([], markers, T0)).toEqual([{ url: 'https://a.example/', title: '', offsetMs: 0 }]);
  });
});

describe('layoutMarkers', () => {
  it('places markers as percentages and merges close clicks into one tick', () => {
    const drawn = layoutMarkers(
      [
        { kind: 'page', offsetMs: 0, url: 'u', title: 'Home' },
        { kind: 'click', offsetMs: 5000 },
        { kind: 'click', offsetMs: 5010 },
        { kind: 'click', offsetMs: 9000 },
      ],
      10_000,
      100,
    );
    expect(drawn.map((d) => [d.kind, d.percent, d.count, d.label])).toEqual([
      ['page', 0, 1, 'Page: Home'],
      ['click', 50, 2, '2 clicks'],
      ['click', 90, 1, 'Click'],
    ]);
  });

  it('gives each signal kind its own tick and label, merged ticks counted by kind', () => {
    const drawn = layoutMarkers(
      [
        { kind: 'click', offsetMs: 1000 },
        { kind: 'rage', offsetMs: 1000, label: 'Rage click button#pay' },
        { kind: 'dead', offsetMs: 2000, label: 'Dead click span.fake' },
        { kind: 'error', offsetMs: 3000, label: 'no profile for ***' },
        { kind: 'request', offsetMs: 4000, label: 'GET /api/missing → 404' },
        { kind: 'rage', offsetMs: 6000, label: 'Rage click a' },
        { kind: 'rage', offsetMs: 6010, label: 'Rage click a' },
        { kind: 'error', offsetMs: 8000, label: 'TypeError: x is undefined' },
      ],
      10_000,
      100,
    );
    expect(drawn.map((d) => [d.kind, d.percent, d.count, d.label])).toEqual([
      ['click', 10, 1, 'Click'],
      ['rage', 10, 1, 'Rage click button#pay'],
      ['dead', 20, 1, 'Dead click span.fake'],
      ['error', 30, 1, 'Error: no profile for ***'],
      ['request', 40, 1, 'Failed request: GET /api/missing → 404'],
      ['rage', 60, 2, '2 rage clicks'],
      ['error', 80, 1, 'TypeError: x is undefined'],
    ]);
    expect(describeMarkers(drawn)).toBe('1 click, 3 rage clicks, 1 dead click, 2 errors, 1 failed request');
  });

  it('draws nothing for a zero-length session', () => {
    expect(layoutMarkers([{ kind: 'click', offsetMs: 0 }], 0)).toEqual([]);
  });
});
