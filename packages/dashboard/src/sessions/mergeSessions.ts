import type { SessionListPage, SessionSummary } from './sessionsApi';

/** What the session list holds: the pages fetched so far, merged, newest first. */
export interface SessionListState {
  sessions: SessionSummary[];
  /** Cursor of the page after the oldest one held; null when the list is complete. */
  nextCursor: string | null;
  /** True once the viewer has loaded a page beyond the first. */
  pagedBeyondFirst: boolean;
}

export const EMPTY_SESSION_LIST: SessionListState = {
  sessions: [],
  nextCursor: null,
  pagedBeyondFirst: false,
};

/** Newest first; ties broken by id so the order is stable between refreshes. */
function byNewest(a: SessionSummary, b: SessionSummary): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function union(held: SessionSummary[], fresh: SessionSummary[]): SessionSummary[] {
  const byId = new Map<string, SessionSummary>();
  for (const s of held) byId.set(s.id, s);
  // A fresher copy wins: a live session's duration and counts grow.
  for (const s of fresh) byId.set(s.id, s);
  return [...byId.values()].sort(byNewest);
}

/**
 * Merges a re-fetched first page (auto-refresh) into what is held. Held sessions are kept, so a
 * viewer who paged further loses nothing and the list never has a gap; the cursor stays with the
 * oldest page held unless only the first page was ever loaded.
 */
export function mergeRefreshedFirstPage(state: SessionListState, page: SessionListPage): SessionListState {
  if (!state.pagedBeyondFirst) {
    return { sessions: union([], page.sessions), nextCursor: page.nextCursor, pagedBeyondFirst: false };
  }
  return { ...state, sessions: union(state.sessions, page.sessions) };
}

/** Appends the page fetched with `state.nextCursor` ("Load more"). */
export function appendNextPage(state: SessionListState, page: SessionListPage): SessionListState {
  return {
    sessions: union(state.sessions, page.sessions),
    nextCursor: page.nextCursor,
    pagedBeyondFirst: true,
  };
}
