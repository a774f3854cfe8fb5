import { emptySignalCounts } from '@veil/core';
import { describe, expect, it } from 'vitest';
import {
  appendNextPage,
  EMPTY_SESSION_LIST,
  mergeRefreshedFirstPage,
} from '../../src/sessions/mergeSessions';
import type { SessionSummary } from '../../src/sessions/sessionsApi';

function session(id: string, startedAt: number, eventCount = 10): SessionSummary {
  return {
    id,
    siteKey: 'site_1234',
    startedAt,
    receivedAt: startedAt,
    endedAt: startedAt + 1000,
    durationMs: 1000,
    pageCount: 1,
    entryUrl: 'https://a.example/',
    deviceClass: 'desktop',
    viewportWidth: 1280,
    eventCount,
    finalised: false,
    demo: false,
    signals: emptySignalCounts(),
  };
}

const ids = (list: { sessions: SessionSummary[] }) => list.sessions.map((s) => s.id);

describe('session list merging', () => {
  it('replaces the list with a refreshed first page while only that page is held', () => {
    const first = mergeRefreshedFirstPage(EMPTY_SESSION_LIST, {
      sessions: [session('b', 2), session('a', 1)],
      nextCursor: 'c1',
    });
    const refreshed = mergeRefreshedFirstPage(first, {
      sessions: [session('c', 3), session('b', 2)],
      nextCursor: 'c2',
    });
    expect(ids(refreshed)).toEqual(['c', 'b']);
    expect(refreshed.nextCursor).toBe('c2');
  });

  it('keeps older pages and their cursor when the first page is refreshed', () => {
    let state = mergeRefreshedFirstPage(EMPTY_SESSION_LIST, {
      sessions: [session('d', 4), session('c', 3)],
      nextCursor: 'p2',
    });
    state = appendNextPage(state, { sessions: [session('b', 2), session('a', 1)], nextCursor: 'p3' });
    state = mergeRefreshedFirstPage(state, {
      sessions: [session('e', 5), session('d', 4, 99)],
      nextCursor: 'x',
    });
    expect(ids(state)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(state.nextCursor).toBe('p3');
    expect(state.sessions[1]?.eventCount).toBe(99);
  });

  it('de-duplicates a session that moved across a page boundary', () => {
    let state = mergeRefreshedFirstPage(EMPTY_SESSION_LIST, {
      sessions: [session('c', 3), session('b', 2)],
      nextCursor: 'p2',
    });
    state = appendNextPage(state, { sessions: [session('b', 2), session('a', 1)], nextCursor: null });
    expect(ids(state)).toEqual(['c', 'b', 'a']);
    expect(state.nextCursor).toBeNull();
  });

  it('orders ties by id so refreshes do not shuffle rows', () => {
    const state = mergeRefreshedFirstPage(EMPTY_SESSION_LIST, {
      sessions: [session('y', 5), session('x', 5)],
      nextCursor: null,
    });
    expect(ids(state)).toEqual(['x', 'y']);
  });
});
