import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';

/**
 * Tables whose deleted rows must not stay readable in the database files after an erasure or a
 * purge: the wrapped data keys (crypto-shredding only holds when the key bytes are gone), and the
 * small per-session subject tables (user-id hashes, tag values). Chunks are not rewritten: they
 * are ciphertext under a key that no longer exists anywhere.
 */
export const RECLAIMED_TABLES = ['session_keys', 'session_subjects', 'session_tags'] as const;

/**
 * Makes deleted key rows unrecoverable from the files. SQLite: `secure_delete` (on for every
 * connection) zeroed the freed cells; a `TRUNCATE` checkpoint writes them into the main file and
 * empties the WAL. PostgreSQL: a DELETE only marks a tuple dead and plain VACUUM frees its space
 * without overwriting it, so the tables are rewritten with `VACUUM (FULL)` (the old file is
 * unlinked). Trade-off: VACUUM FULL holds an ACCESS EXCLUSIVE lock on each table while it runs, so
 * ingest of a new session waits for it; these tables hold one small row per session, so the
 * rewrite takes milliseconds to a few seconds at millions of sessions. Run once after a whole
 * erasure or purge, never per row; it cannot run inside a transaction.
 */
export async function reclaimDeleted(
  db: Kysely<Database>,
  dialect: Dialect,
  waitMs = OLDER_SNAPSHOT_WAIT_MS,
): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  // Twice: a backend still connecting (no database yet) takes its snapshot with the oldest xmin
  // of the whole cluster, another database's long transaction included, and holds this
  // database's horizon back for a moment; the first rewrite may keep a deleted row then (seen
  // once in a full test run with other databases busy). The second rewrite starts later and
  // drops what the first could only copy.
  for (let pass = 0; pass < 2; pass++) {
    await waitForOlderSnapshots(db, waitMs);
    await sql`VACUUM (FULL) ${sql.join(RECLAIMED_TABLES.map((t) => sql.table(t)))}`.execute(db);
  }
}

/** How long a reclaim waits for older snapshots to end before it rewrites the tables anyway. */
export const OLDER_SNAPSHOT_WAIT_MS = 15_000;

/**
 * VACUUM (FULL) copies a deleted row into the new file while any transaction of this database
 * that started before the delete committed could still see it ("recently dead"), so the key bytes
 * would survive the rewrite. Waits (polling, at most `waitMs`) until no other session of this
 * database, and no backend without a database yet (one still connecting), holds a snapshot older
 * than now; a VACUUM's own snapshot does not hold rows back.
 */
async function waitForOlderSnapshots(db: Kysely<Database>, waitMs: number): Promise<void> {
  const { rows } = await sql<{ horizon: string }>`
    select txid_snapshot_xmax(txid_current_snapshot())::text as horizon`.execute(db);
  const horizon = rows[0]?.horizon;
  if (horizon === undefined) return;
  const deadline = Date.now() + waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    const older = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where (datname = current_database() or datid is null) and pid <> pg_backend_pid()
        and backend_xmin is not null
        and not (backend_type = 'autovacuum worker' and query like 'autovacuum: VACUUM%')
        and age(backend_xmin) > age((${horizon}::bigint % 4294967296)::text::xid)`.execute(db);
    if ((older.rows[0]?.n ?? 0) === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
