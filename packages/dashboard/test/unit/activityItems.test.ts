import type { RecordedEvent } from '@veil/core';
import { EventType, HeatmapTag, IncrementalSource, MouseInteraction, VeilCustomTag } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { activityItems, pathOf } from '../../src/replay/activityItems';

const T0 = 1_700_000_000_000;

function meta(ts: number, href: string): RecordedEvent {
  return { type: EventType.Meta, timestamp: T0 + ts, data: { href, width: 1, height: 1 } };
}

function custom(ts: number, tag: string, payload: Record<string, unknown>): RecordedEvent {
  return { type: EventType.Custom, timestamp: T0 + ts, data: { tag, payload } };
}

function click(ts: number, type: number = MouseInteraction.Click): RecordedEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp: T0 + ts,
    data: { source: IncrementalSource.MouseInteraction, type, id: 4, x: 10, y: 20 },
  };
}

describe('activity panel entries', () => {
  it('lists a click (never a mouse down or up) at its offset', () => {
    const items = activityItems([
      meta(0, 'https://a.example/'),
      click(100, MouseInteraction.MouseDown),
      click(110, MouseInteraction.MouseUp),
      click(120),
    ]);
    expect(items.filter((i) => i.kind !== 'page')).toEqual([
      { id: 1, kind: 'click', offsetMs: 120, label: 'Click' },
    ]);
  });

  it('lists a custom tag as key = value', () => {
    const items = activityItems([
      meta(0, 'https://a.example/'),
      custom(300, VeilCustomTag.Tag, { key: 'plan', value: 'pro' }),
    ]);
    expect(items[1]).toEqual({ id: 1, kind: 'tag', offsetMs: 300, label: 'plan = pro' });
  });

  it('lists an error by its message, its stack as the detail', () => {
    const stack = 'Error: no profile\n    at showProfile (app.js:3:9)';
    const items = activityItems([
      meta(0, 'https://a.example/'),
      custom(500, VeilCustomTag.Error, { kind: 'error', message: 'no profile', stack, path: '/list' }),
      custom(600, VeilCustomTag.Error, { kind: 'console', message: 'no stack here', path: '/list' }),
    ]);
    expect(items.slice(1)).toEqual([
      { id: 1, kind: 'error', offsetMs: 500, label: 'no profile', detail: stack },
      { id: 2, kind: 'error', offsetMs: 600, label: 'no stack here' },
    ]);
  });

  it('lists failed requests (an error status, no answer) and leaves successful ones out', () => {
    const items = activityItems([
      meta(0, 'https://a.example/'),
      custom(700, VeilCustomTag.Network, {
        method: 'GET',
        reqPath: '/api/ok',
        status: 200,
        ms: 12,
        path: '/list',
      }),
      custom(800, VeilCustomTag.Network, {
        method: 'POST',
        reqPath: '/api/cart',
        status: 500,
        ms: 40,
        path: '/list',
      }),
      custom(900, VeilCustomTag.Network, {
        method: 'GET',
        reqPath: '//cdn.example/x.js',
        status: 0,
        ms: 3,
        path: '/list',
      }),
    ]);
    expect(items.slice(1)).toEqual([
      { id: 1, kind: 'request', offsetMs: 800, label: 'POST /api/cart → 500' },
      { id: 2, kind: 'request', offsetMs: 900, label: 'GET //cdn.example/x.js → no answer' },
    ]);
  });

  it('lists rage and dead clicks the recorder flagged, each its own entry', () => {
    const items = activityItems([
      meta(0, 'https://a.example/'),
      custom(1000, HeatmapTag.Click, { el: 'button#pay', rage: true, dead: true }),
      custom(1100, HeatmapTag.Click, { el: 'a#ok' }),
    ]);
    expect(items.slice(1).map((i) => [i.kind, i.offsetMs, i.label])).toEqual([
      ['rage', 1000, 'Rage click button#pay'],
      ['dead', 1000, 'Dead click button#pay'],
    ]);
  });
});

describe('activity panel page paths', () => {
  it('shows the path of a URL, never its query or fragment', () => {
    expect(pathOf('https://shop.example/orders/7?email=jane@example.com#card')).toBe('/orders/7');
  });

  it('drops the query and fragment of a URL that does not parse too', () => {
    expect(pathOf('/relative/path?token=secret-value')).toBe('/relative/path');
    expect(pathOf('not a url#frag')).toBe('not a url');
    expect(pathOf('?only=query')).toBe('');
  });

  it('lists page changes without their queries', () => {
    const items = activityItems([
      meta(0, 'http://[bad/checkout?ssn=123-45-6789'),
      meta(10, 'https://a.example/done?x=1'),
    ]);
    const labels = items.filter((i) => i.kind === 'page').map((i) => i.label);
    expect(labels).toEqual(['http://[bad/checkout', '/done']);
    expect(JSON.stringify(items)).not.toContain('123-45-6789');
  });
});
