import { type DeviceClass, emptySignalCounts, SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';
import { type SessionFilters, sessionFiltersToApiParams } from './sessionFilters';

/** Page size the session list asks for. */
export const SESSION_PAGE_SIZE = 50;

/** Core's `DeviceClass` as a schema (core declares the type only). */
export const deviceClassSchema = z.enum(['mobile', 'tablet', 'desktop']) satisfies z.ZodType<DeviceClass>;

/** `SessionSignals` of docs/api.md (absent from older servers: none counted). */
const signalCountsSchema = z
  .object(Object.fromEntries(SIGNAL_KINDS.map((k) => [k, z.number().int().nonnegative().catch(0)])))
  .transform((v): SignalCounts => ({ ...emptySignalCounts(), ...v }));

/** `SessionSummary` of docs/api.md; the list is newest first. */
const sessionSummarySchema = z.object({
  id: z.string(),
  siteKey: z.string(),
  startedAt: z.number(),
  /** Server clock of the first batch (absent from older servers: the start). */
  receivedAt: z.number().optional(),
  endedAt: z.number(),
  durationMs: z.number(),
  pageCount: z.number(),
  entryUrl: z.string().catch(''),
  deviceClass: deviceClassSchema,
  viewportWidth: z.number().nullable().catch(null),
  eventCount: z.number(),
  /** False while the session may still receive batches (absent from older servers: final). */
  finalised: z.boolean().default(true),
  signals: signalCountsSchema.catch(emptySignalCounts),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/** One page view of a session, with its absolute time. */
const sessionPageSchema = z.object({ url: z.string(), title: z.string().catch(''), ts: z.number() });
export type SessionPage = z.infer<typeof sessionPageSchema>;

const sessionDetailSchema = sessionSummarySchema.extend({
  pages: z.preprocess((v) => (Array.isArray(v) ? v : []), z.array(sessionPageSchema)),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

const sessionListPageSchema = z.object({
  sessions: z.array(sessionSummarySchema),
  nextCursor: z
    .string()
    .nullish()
    .transform((c) => (c ? c : null)),
});
export type SessionListPage = z.infer<typeof sessionListPageSchema>;

const sessionEnvelope = z.object({ session: sessionDetailSchema }).transform((b): SessionDetail => b.session);

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
