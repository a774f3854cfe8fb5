import { describe, expect, it } from 'vitest';
import { formatRelative, toLocalDay } from '../../src/format/dateTime';
import { formatClock, formatClockSpoken, formatDuration } from '../../src/format/duration';
import { displayUrl } from '../../src/format/url';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [Number.NaN, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [59_999, '59s'],
    [60_000, '1m 00s'],
    [185_000, '3m 05s'],
    [3_599_999, '59m 59s'],
    [3_600_000, '1h 00m'],
    [3_725_000, '1h 02m'],
    [26 * 3_600_000, '26h 00m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatClock', () => {
  it.each([
    [0, '0:00'],
    [1_999, '0:01'],
    [65_000, '1:05'],
    [600_000, '10:00'],
    [3_723_000, '1:02:03'],
    [-1, '0:00'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });

  it('has a spoken form for screen readers', () => {
    expect(formatClockSpoken(0)).toBe('0 seconds');
    expect(formatClockSpoken(61_000)).toBe('1 minute 1 second');
    expect(formatClockSpoken(2 * 3_600_000 + 120_000)).toBe('2 hours 2 minutes');
  });
});

describe('formatRelative', () => {
  const now = 1_700_000_000_000;
  it.each([
    [now - 10_000, 'just now'],
    [now - 5 * 60_000, '5 min ago'],
    [now - 3 * 3_600_000, '3 h ago'],
    [now - 2 * 86_400_000, '2 d ago'],
  ])('%d → %s', (ms, text) => {
    expect(formatRelative(ms, now)).toBe(text);
  });
});

describe('toLocalDay', () => {
  it('formats a local date as YYYY-MM-DD', () => {
    expect(toLocalDay(new Date(2025, 0, 5, 23, 59).getTime())).toBe('2025-01-05');
  });
});

describe('displayUrl', () => {
  it('splits path and host', () => {
    expect(displayUrl('https://shop.example/cart/checkout')).toEqual({
      path: '/cart/checkout',
      host: 'shop.example',
    });
  });
  it('keeps text that is not a URL', () => {
    expect(displayUrl('not a url')).toEqual({ path: 'not a url', host: '' });
  });
});
