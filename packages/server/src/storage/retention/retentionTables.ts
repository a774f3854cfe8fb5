/**
 * Retention tables (migration `008_retention`): purge receipts (what each run removed per site),
 * legal holds (sessions kept past retention, with reason and expiry) and job leases (one purge at a
 * time across SQLite processes). None holds a recorded value.
 */
export interface RetentionTables {
  purge_receipts: PurgeReceiptsTable;
  legal_holds: LegalHoldsTable;
  job_leases: JobLeasesTable;
}

export interface PurgeReceiptsTable {
  id: string;
  run_id: string;
  site_id: string;
  site_key: string;
  policy_version: number;
  retention_days: number;
  /** Sessions first received before this server time were due. */
  cutoff: number;
  sessions: number;
  chunks: number;
  /** Sealed chunk bytes removed. */
  bytes: number;
  data_keys: number;
  /** Sessions past retention kept by a legal hold. */
  held: number;
  /** Sessions past retention, not held, still present after the run (a retention exception). */
  overdue: number;
  /** Receive time of the oldest session left; `null` when none is left. */
  oldest_remaining_at: number | null;
  /** `start`, `schedule`, `cli`, `api`. */
  trigger: string;
  started_at: number;
  completed_at: number;
}

export interface LegalHoldsTable {
  id: string;
  site_id: string;
  site_key: string;
  /** One session held … */
  session_id: string | null;
  /** … or every session of a subject (keyed user-id hash, as in `session_subjects`). */
  user_hash: string | null;
  reason: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  released_at: number | null;
  released_by: string | null;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}
