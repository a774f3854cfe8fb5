import { z } from 'zod';
import { SIGNAL_KINDS, type SignalKind } from '../signals/sessionSignals.js';
import { deviceClassSchema } from '../wire/deviceClass.js';

/**
 * The answers of the session endpoints (`/api/v1/sites/{siteKey}/sessions`, `/api/v1/sessions/{id}`),
 * in one place: the server declares them on its routes, the dashboard decodes with them.
 */

/** Frustration and error signals counted at ingest. */
export const sessionSignalsSchema = z
  .object(
    Object.fromEntries(SIGNAL_KINDS.map((k) => [k, z.number().int().nonnegative()])) as Record<
      SignalKind,
      z.ZodNumber
    >,
  )
  .meta({ id: 'SessionSignals' });

/** `SessionSummary` of docs/api.md. */
export const sessionSummarySchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    startedAt: z.number().int(),
    /** Server clock: when Veil received the first batch (`startedAt` is the browser's clock). */
    receivedAt: z.number().int(),
    endedAt: z.number().int(),
    durationMs: z.number().int(),
    pageCount: z.number().int(),
    entryUrl: z.string().nullable(),
    deviceClass: deviceClassSchema.nullable(),
    viewportWidth: z.number().int().nullable(),
    eventCount: z.number().int(),
    finalised: z.boolean(),
    /** Recorded for the demo site (`veil demo`): demo data, erased by `veil demo --erase`. */
    demo: z.boolean(),
    signals: sessionSignalsSchema,
  })
  .meta({ id: 'SessionSummary' });
export type SessionSummaryResponse = z.output<typeof sessionSummarySchema>;

/** One page view of a session, with its absolute time. */
export const pageViewSchema = z
  .object({ url: z.string(), title: z.string().nullable(), ts: z.number().int() })
  .meta({ id: 'PageView' });

/** `GET /sites/{siteKey}/sessions`: one page of sessions, newest first. */
export const sessionListResponseSchema = z.object({
  sessions: z.array(sessionSummarySchema),
  nextCursor: z.string().nullable(),
});
export type SessionListResponse = z.output<typeof sessionListResponseSchema>;

/** `GET /sessions/{id}`. */
export const sessionDetailResponseSchema = z.object({
  session: sessionSummarySchema.extend({ pages: z.array(pageViewSchema) }),
});
export type SessionDetailResponse = z.output<typeof sessionDetailResponseSchema>;
