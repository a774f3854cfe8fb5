/** One day in milliseconds: `retentionDays` is counted in whole days of the server's clock. */
export const DAY_MS = 24 * 60 * 60 * 1000;
/** How often each server process tries to purge (it also does at start); the lock keeps it to one. */
export const RETENTION_RUN_INTERVAL_MS = 60 * 60 * 1000;
/**
 * The most sessions removed per transaction. Each commit writes out (WAL, then checkpoint) every
 * page its scattered deletes dirtied; 2 000 instead of 500 rewrites shared index pages a quarter
 * as often: 2 707 → 4 962 sessions/s at 1 M, side by side (docs/retention.md). The run starts
 * there and shrinks the batch while a transaction takes longer than `PURGE_TARGET_TX_MS`.
 */
export const PURGE_BATCH_SESSIONS = 2_000;
/** The fewest sessions per transaction, however slow one is. */
export const PURGE_MIN_BATCH_SESSIONS = 250;
/**
 * How long one purge transaction should hold the database's write lock: SQLite has one writer,
 * and better-sqlite3 runs the transaction on the event loop, so ingest waits up to this long for a
 * purge (its p99 target is 250 ms). At 1 M sessions on 2 cores 2 000 sessions took 200 to 400 ms,
 * up to 2 s with the cores busy. Smaller transactions cost throughput (each commit rewrites the
 * index pages it dirtied): 100 ms halved the purge rate on a loaded machine, so the target is the
 * ingest latency target itself.
 */
export const PURGE_TARGET_TX_MS = 250;

/**
 * The next transaction's batch size after one of `current` sessions took `elapsedMs`: the size
 * that would take `PURGE_TARGET_TX_MS` at that rate, moving at most a factor of two per step (one
 * slow commit, a checkpoint say, must not collapse the batch), within
 * [`PURGE_MIN_BATCH_SESSIONS`, `PURGE_BATCH_SESSIONS`].
 */
export function nextPurgeBatchSize(current: number, elapsedMs: number): number {
  const ideal = elapsedMs <= 0 ? current * 2 : (current * PURGE_TARGET_TX_MS) / elapsedMs;
  const stepped = Math.min(current * 2, Math.max(current / 2, ideal));
  return Math.round(Math.min(PURGE_BATCH_SESSIONS, Math.max(PURGE_MIN_BATCH_SESSIONS, stepped)));
}
/** The name of the cross-process purge lock. */
export const PURGE_LOCK_NAME = 'veil.retention.purge';
/** How long a SQLite purge lease lasts when its holder dies without releasing it. */
export const PURGE_LEASE_MS = 2 * 60 * 60 * 1000;
/**
 * A session counts as a retention exception once it is this much older than its policy allows
 * (two missed hourly runs): between runs a session may legitimately be a little past retention.
 */
export const RETENTION_EXCEPTION_GRACE_MS = 2 * RETENTION_RUN_INTERVAL_MS;
