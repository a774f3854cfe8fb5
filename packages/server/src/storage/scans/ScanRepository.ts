import type { ScanFindingSummary, ScanRunStatus, ScanRunSummary, ScanRunTrigger } from '@veil/core';

export interface ScanScheduleRecord {
  siteId: string;
  enabled: boolean;
  intervalHours: number;
  paths: string[];
  crawl: number;
  acceptSelector: string | null;
  rejectSelector: string | null;
  updatedAt: number;
  /** An e-mail, a token's name or `cli`. */
  updatedBy: string;
}

export interface ScanRunRecord {
  id: string;
  siteId: string;
  trigger: ScanRunTrigger;
  status: ScanRunStatus;
  requestedBy: string | null;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  urls: string[];
  summary: ScanRunSummary | null;
  findings: ScanFindingSummary[];
  error: string | null;
}

export type NewScanRun = Pick<
  ScanRunRecord,
  'id' | 'siteId' | 'trigger' | 'requestedBy' | 'queuedAt' | 'urls'
>;

/** How a run ended. */
export type ScanRunOutcome =
  | { status: 'completed'; summary: ScanRunSummary; findings: ScanFindingSummary[] }
  | { status: 'failed'; error: string };

/** Per-site scan schedules and the runs (queued, running, finished) with their findings summary. */
export interface ScanRepository {
  getSchedule(siteId: string): Promise<ScanScheduleRecord | undefined>;
  /** Inserts or replaces the site's schedule. */
  putSchedule(schedule: ScanScheduleRecord): Promise<void>;
  listEnabledSchedules(): Promise<ScanScheduleRecord[]>;
  /**
   * Queues a run unless the site has one queued or running already (then `busy`), atomically on
   * either engine.
   */
  enqueueRun(run: NewScanRun): Promise<ScanRunRecord | 'busy'>;
  /**
   * Moves the oldest queued run to `running` and returns it, or `undefined` when none is queued.
   * Of several processes asking at once exactly one gets each run.
   */
  claimQueuedRun(now: number): Promise<ScanRunRecord | undefined>;
  /** Ends a running run; false when it was not running (it ended already). */
  finishRun(id: string, outcome: ScanRunOutcome, at: number): Promise<boolean>;
  /** Fails runs still `running` that started before `startedBefore` (their process died). */
  failStaleRuns(startedBefore: number, at: number): Promise<number>;
  getRun(id: string): Promise<ScanRunRecord | undefined>;
  /** The site's runs, newest queued first. */
  listRuns(siteId: string, limit: number): Promise<ScanRunRecord[]>;
  /** The site's newest run of any status. */
  latestRun(siteId: string): Promise<ScanRunRecord | undefined>;
}
