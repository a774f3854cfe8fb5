/**
 * Scheduled pre-consent scans (migration `011_site_scans`): each site's schedule (opt-in) and its
 * runs with a summary of their findings. No table holds page content, a cookie or storage value
 * or a query string.
 */
export interface ScanTables {
  scan_schedules: ScanSchedulesTable;
  scan_runs: ScanRunsTable;
}

export interface ScanSchedulesTable {
  site_id: string;
  /** 0/1. */
  enabled: number;
  interval_hours: number;
  /** JSON array of start paths. */
  paths_json: string;
  crawl: number;
  accept_selector: string | null;
  reject_selector: string | null;
  updated_at: number;
  updated_by: string;
}

export interface ScanRunsTable {
  id: string;
  site_id: string;
  /** `schedule` or `manual`. */
  trigger: string;
  /** `queued`, `running`, `completed`, `failed`. */
  status: string;
  /** The site's id while queued or running, `null` once finished: unique, so a site has one active run. */
  active_site_id: string | null;
  requested_by: string | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** JSON array of the start URLs. */
  urls_json: string;
  /** JSON `ScanRunSummary`, once completed. */
  summary_json: string | null;
  /** JSON array of `ScanFindingSummary`. */
  findings_json: string;
  error: string | null;
}
