import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyStore } from '../createKyselyStore.js';
import type { Database } from '../Database.js';
import { runMigrations } from '../migrations/runMigrations.js';
import type { Store } from '../Store.js';
import { withPreparedStatementCache } from './preparedStatementCache.js';

/** How long a writer waits for another process's lock (the CLI next to a running server). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * The embedded store: one SQLite file in WAL mode (readers never block the writer), foreign keys
 * on, migrated to the latest schema. The directory is created private to the user (0700), the
 * database file is 0600.
 */
export async function openSqliteStore(file: string, clock: () => number = Date.now): Promise<Store> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = new BetterSqlite3(file);
  try {
    // Only this user may read the database; SQLite gives its -wal and -shm files the same mode.
    chmodSync(file, 0o600);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros: an erased or purged recording leaves no bytes behind.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withPreparedStatementCache(sqlite) }),
  });
  try {
    await runMigrations(db, 'sqlite', clock);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, 'sqlite', sqlite);
}
