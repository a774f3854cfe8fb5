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
export async function reclaimDeleted(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  await sql`VACUUM (FULL) ${sql.join(RECLAIMED_TABLES.map((t) => sql.table(t)))}`.execute(db);
}
