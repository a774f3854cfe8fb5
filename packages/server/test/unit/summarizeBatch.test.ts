import { describe, expect, it } from 'vitest';
import { summarizeBatch } from '../../src/ingest/summarizeBatch.js';
import { metaEvent, moveEvent, pageViewEvent, T0 } from '../support/batches.js';

describe('summarizeBatch', () => {
  it('derives time range, count and page views from Meta and Veil page-view events', () => {
    const summary = summarizeBatch(
      [
        moveEvent(T0 + 50),
        metaEvent(T0 + 10, 'https://a.example/', 1280),
        pageViewEvent(T0 + 12, 'https://a.example/', '  Home  '),
        pageViewEvent(T0 + 900, 'https://a.example/cart', 'Cart'),
        metaEvent(T0 + 950, 'https://a.example/cart', 1281.6),
        pageViewEvent(T0 + 990, 'https://a.example/', ''),
      ],
      0,
    );
    expect(summary).toEqual({
      eventCount: 6,
      firstTs: T0 + 10,
      lastTs: T0 + 990,
      pages: [
        { url: 'https://a.example/', title: 'Home', ts: T0 + 10, viewportWidth: 1280 },
        { url: 'https://a.example/cart', title: 'Cart', ts: T0 + 900, viewportWidth: 1282 },
        { url: 'https://a.example/', title: null, ts: T0 + 990, viewportWidth: null },
      ],
    });
  });

  it('uses sentAt for a batch without events, and ignores malformed page events', () => {
    expect(summarizeBatch([], T0)).toEqual({ eventCount: 0, firstTs: T0, lastTs: T0, pages: [] });
    const odd = summarizeBatch(
      [
        { type: 4, timestamp: T0, data: 'not an object' },
        { type: 4, timestamp: T0, data: { href: 42 } },
        { type: 5, timestamp: T0, data: { tag: 'veil.pageview', payload: { url: null } } },
        { type: 5, timestamp: T0, data: { tag: 'other', payload: { url: 'https://x.example/' } } },
        { type: 4, timestamp: T0, data: { href: '', width: -5 } },
        { type: 4, timestamp: T0, data: { href: 'https://a.example/', width: 'wide' } },
      ],
      0,
    );
    expect(odd.pages).toEqual([{ url: 'https://a.example/', title: null, ts: T0, viewportWidth: null }]);
  });
});
