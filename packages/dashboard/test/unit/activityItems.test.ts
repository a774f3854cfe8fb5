import type { RecordedEvent } from '@veil/core';
import { EventType } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { activityItems, pathOf } from '../../src/replay/activityItems';

const T0 = 1_700_000_000_000;

function meta(ts: number, href: string): RecordedEvent {
  return { type: EventType.Meta, timestamp: T0 + ts, data: { href, width: 1, height: 1 } };
}

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
