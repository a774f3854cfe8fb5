/** One day in milliseconds: `retentionDays` is counted in whole days of the server's clock. */
export const DAY_MS = 24 * 60 * 60 * 1000;
/** How often each server process tries to purge (it also does at start); the lock keeps it to one. */
export const RETENTION_RUN_INTERVAL_MS = 60 * 60 * 1000;
/**
 * Sessions removed per transaction: small enough to keep locks short (a few hundred ms at 1 M
 * sessions on 2 cores), large enough to be fast. Each commit writes out (WAL, then checkpoint)
 * every page its scattered deletes dirtied; 2 000 instead of 500 rewrites shared index pages a
 * quarter as often: 2 707 → 4 962 sessions/s at 1 M, side by side (docs/retention.md).
 */
export const PURGE_BATCH_SESSIONS = 2_000;
/** The name of the cross-process purge lock. */
export const PURGE_LOCK_NAME = 'veil.retention.purge';
/** How long a SQLite purge lease lasts when its holder dies without releasing it. */
export const PURGE_LEASE_MS = 2 * 60 * 60 * 1000;
/**
 * A session counts as a retention exception once it is this much older than its policy allows
 * (two missed hourly runs): between runs a session may legitimately be a little past retention.
 */
export const RETENTION_EXCEPTION_GRACE_MS = 2 * RETENTION_RUN_INTERVAL_MS;
