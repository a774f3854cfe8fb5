import { SIGNAL_KINDS, type SignalKind } from '@veil/core';
import { z } from 'zod';
import type { SessionSummaryRecord } from '../storage/recordings/RecordingRepository.js';

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
    deviceClass: z.enum(['mobile', 'tablet', 'desktop']).nullable(),
    viewportWidth: z.number().int().nullable(),
    eventCount: z.number().int(),
    finalised: z.boolean(),
    /** Recorded for the demo site (`veil demo`): demo data, erased by `veil demo --erase`. */
    demo: z.boolean(),
    /** Frustration and error signals counted at ingest. */
    signals: z
      .object(
        Object.fromEntries(SIGNAL_KINDS.map((k) => [k, z.number().int().nonnegative()])) as Record<
          SignalKind,
          z.ZodNumber
        >,
      )
      .meta({ id: 'SessionSignals' }),
  })
  .meta({ id: 'SessionSummary' });
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const pageViewSchema = z
  .object({ url: z.string(), title: z.string().nullable(), ts: z.number().int() })
  .meta({ id: 'PageView' });

export function sessionSummary(record: SessionSummaryRecord): SessionSummary {
  return {
    id: record.id,
    siteKey: record.siteKey,
    startedAt: record.startedAt,
    receivedAt: record.receivedAt,
    endedAt: record.endedAt,
    durationMs: record.durationMs,
    pageCount: record.pageCount,
    entryUrl: record.entryUrl,
    deviceClass: record.deviceClass,
    viewportWidth: record.viewportWidth,
    eventCount: record.eventCount,
    finalised: record.finalised,
    demo: record.demo,
    signals: { ...record.signals },
  };
}
