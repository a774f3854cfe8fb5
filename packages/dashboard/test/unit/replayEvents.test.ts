import { EventType } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { normalisePurpose, purposeProblem } from '../../src/replay/purpose';
import { firstSnapshotOffset, initialViewport, prepareReplay } from '../../src/replay/replayEvents';
import { matchRoute, paths } from '../../src/router/routes';
import { formatSampling, installSnippet } from '../../src/sites/installSnippet';

describe('prepareReplay', () => {
  it('sorts events and measures the session', () => {
    const prepared = prepareReplay([
      { type: EventType.IncrementalSnapshot, timestamp: 3_000, data: {} },
      { type: EventType.Meta, timestamp: 1_000, data: { href: 'h', width: 1, height: 1 } },
      { type: EventType.FullSnapshot, timestamp: 1_001, data: {} },
    ]);
    expect(prepared).toMatchObject({ ok: true, startMs: 1_000, endMs: 3_000, totalMs: 2_000 });
    expect(prepared.ok && prepared.events.map((e) => e.timestamp)).toEqual([1_000, 1_001, 3_000]);
  });

  it('refuses what rrweb cannot replay', () => {
    expect(prepareReplay([])).toEqual({ ok: false, reason: 'empty' });
    expect(prepareReplay([{ type: EventType.FullSnapshot, timestamp: 1, data: {} }])).toEqual({
      ok: false,
      reason: 'empty',
    });
    expect(
      prepareReplay([
        { type: EventType.Meta, timestamp: 1, data: {} },
        { type: EventType.IncrementalSnapshot, timestamp: 2, data: {} },
      ]),
    ).toEqual({ ok: false, reason: 'no_full_snapshot' });
  });
});

describe('firstSnapshotOffset', () => {
  it('measures from the first event to the first full snapshot', () => {
    expect(
      firstSnapshotOffset([
        { type: EventType.Meta, timestamp: 1_000, data: {} },
        { type: EventType.FullSnapshot, timestamp: 1_038, data: {} },
        { type: EventType.FullSnapshot, timestamp: 5_000, data: {} },
      ]),
    ).toBe(38);
    expect(firstSnapshotOffset([])).toBe(0);
  });
});

describe('initialViewport', () => {
  it('reads the first Meta event with a size', () => {
    expect(
      initialViewport([
        { type: EventType.Meta, timestamp: 1, data: { href: 'h' } },
        { type: EventType.Meta, timestamp: 2, data: { href: 'h', width: 390, height: 844 } },
      ]),
    ).toEqual({ width: 390, height: 844 });
    expect(initialViewport([{ type: EventType.FullSnapshot, timestamp: 1, data: {} }])).toBeNull();
  });
});

describe('purpose', () => {
  it('requires a real, complete purpose', () => {
    expect(purposeProblem('')).toMatch(/State why/);
    expect(purposeProblem('   ')).toMatch(/State why/);
    expect(purposeProblem('bug')).toMatch(/at least/);
    expect(purposeProblem('Investigating bug #')).toMatch(/Complete/);
    expect(purposeProblem('x'.repeat(301))).toMatch(/under/);
    expect(purposeProblem('Investigating bug #123')).toBeNull();
  });
  it('collapses whitespace for the log', () => {
    expect(normalisePurpose('  Investigating\n bug   #123 ')).toBe('Investigating bug #123');
  });
});

describe('routes', () => {
  it('matches the screens', () => {
    expect(matchRoute('/')).toEqual({ name: 'sites' });
    expect(matchRoute('/sites')).toEqual({ name: 'sites' });
    expect(matchRoute('/sites/abc_123/sessions')).toEqual({ name: 'sessions', siteKey: 'abc_123' });
    expect(matchRoute('/sites/abc/sessions/')).toEqual({ name: 'sessions', siteKey: 'abc' });
    expect(matchRoute('/sessions/s%2F1')).toEqual({ name: 'replay', sessionId: 's/1' });
    expect(matchRoute('/sessions/%E0%A4%A')).toEqual({ name: 'notFound' });
    expect(matchRoute('/nope')).toEqual({ name: 'notFound' });
  });
  it('builds paths that match back', () => {
    expect(paths.sessions('a b', '?device=mobile')).toBe('/sites/a%20b/sessions?device=mobile');
    expect(matchRoute(paths.replay('x/y'))).toEqual({ name: 'replay', sessionId: 'x/y' });
  });
});

describe('installSnippet', () => {
  it('writes the documented script tag', () => {
    expect(installSnippet('https://veil.example.com/', 'site_ABC123')).toBe(
      '<script src="https://veil.example.com/r/v1/loader.js" data-site="site_ABC123" async></script>',
    );
  });
  it('escapes the key in the attribute', () => {
    expect(installSnippet('http://h', 'a"b')).toContain('data-site="a&quot;b"');
  });
  it('formats sampling', () => {
    expect(formatSampling(20)).toBe('20\u202f%');
    expect(formatSampling(12.345)).toBe('12.3\u202f%');
  });
});
