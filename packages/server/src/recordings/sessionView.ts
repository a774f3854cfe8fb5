import type { SessionSummaryResponse } from '@veil/core';
import type { SessionSummaryRecord } from '../storage/recordings/RecordingRepository.js';

// The response schemas live in @veil/core (api/sessions.ts): the dashboard decodes with them.
export type SessionSummary = SessionSummaryResponse;

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
