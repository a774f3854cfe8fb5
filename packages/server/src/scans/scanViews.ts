import { type ScanRun, type ScanSchedule, type ScanScheduleInput, scanScheduleInputSchema } from '@veil/core';
import type { ScanRunRecord, ScanScheduleRecord } from '../storage/scans/ScanRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** The schedule a site has before anyone set one: disabled, with the defaults. */
export const DEFAULT_SCAN_SCHEDULE: ScanScheduleInput = scanScheduleInputSchema.parse({});

/** A site's schedule as the API shows it, with when the next scheduled run is due. */
export function scheduleView(
  site: SiteRecord,
  schedule: ScanScheduleRecord | undefined,
  latest: ScanRunRecord | undefined,
  now: number,
): ScanSchedule {
  const s = schedule ?? { ...DEFAULT_SCAN_SCHEDULE, updatedAt: null, updatedBy: null };
  const nextRunAt = s.enabled
    ? latest
      ? Math.max(now, latest.queuedAt + s.intervalHours * 3_600_000)
      : now
    : null;
  return {
    siteKey: site.siteKey,
    enabled: s.enabled,
    intervalHours: s.intervalHours,
    paths: s.paths,
    crawl: s.crawl,
    acceptSelector: s.acceptSelector,
    rejectSelector: s.rejectSelector,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
    nextRunAt,
  };
}

export function runView(site: SiteRecord, run: ScanRunRecord): ScanRun {
  return {
    id: run.id,
    siteKey: site.siteKey,
    trigger: run.trigger,
    status: run.status,
    requestedBy: run.requestedBy,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    urls: run.urls,
    summary: run.summary,
    findings: run.findings,
    error: run.error,
  };
}
