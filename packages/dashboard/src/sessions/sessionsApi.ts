import {
  type SessionDetailResponse,
  type SessionSummaryResponse,
  sessionDetailResponseSchema,
  sessionListResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';
import { type SessionFilters, sessionFiltersToApiParams } from './sessionFilters';

/** Page size the session list asks for. */
export const SESSION_PAGE_SIZE = 50;

/**
 * `SessionSummary` of docs/api.md, decoded with the server's own schema (@veil/core); a session
 * without an entry page (no page view yet) has `entryUrl` ''.
 */
export type SessionSummary = Omit<SessionSummaryResponse, 'entryUrl'> & { entryUrl: string };

/** One page view of a session, with its absolute time (an untitled page has title ''). */
export interface SessionPage {
  url: string;
  title: string;
  ts: number;
}

export type SessionDetail = SessionSummary & { pages: SessionPage[] };

export interface SessionListPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}

function summaryOf(s: SessionSummaryResponse): SessionSummary {
  return { ...s, entryUrl: s.entryUrl ?? '' };
}

function detailOf({ pages, ...s }: SessionDetailResponse['session']): SessionDetail {
  return { ...summaryOf(s), pages: pages.map((p) => ({ ...p, title: p.title ?? '' })) };
}

const sessionListPageSchema = sessionListResponseSchema.transform(
  (b): SessionListPage => ({ sessions: b.sessions.map(summaryOf), nextCursor: b.nextCursor || null }),
);
const sessionEnvelope = sessionDetailResponseSchema.transform((b): SessionDetail => detailOf(b.session));

/** The session list and session endpoints of docs/api.md. */
export function sessionsApi(api: ApiClient) {
  return {
    list(
      siteKey: string,
      filters: SessionFilters,
      cursor: string | null,
      signal?: AbortSignal,
    ): Promise<SessionListPage> {
      const params = sessionFiltersToApiParams(filters);
      params.set('limit', String(SESSION_PAGE_SIZE));
      if (cursor !== null) params.set('cursor', cursor);
      const path = `/sites/${encodeURIComponent(siteKey)}/sessions?${params.toString()}`;
      return api.request(path, decoder(sessionListPageSchema), { signal });
    },
    get: (id: string, signal?: AbortSignal): Promise<SessionDetail> =>
      api.request(`/sessions/${encodeURIComponent(id)}`, decoder(sessionEnvelope), { signal }),
  };
}
export type SessionsApi = ReturnType<typeof sessionsApi>;
