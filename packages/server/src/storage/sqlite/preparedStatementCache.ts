import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared at most (an `in (?, ?, …)` list of each length is one text). */
export const MAX_PREPARED_STATEMENTS = 1_000;

/**
 * The native connection as Kysely's SQLite dialect sees it, with each SQL text prepared once:
 * Kysely's driver prepares every query it runs, and preparing costs as much as running a short
 * query (a fifth of ingest's database time, profiled). A statement still iterating (a streamed
 * select) is not shared: a busy one is prepared afresh for the second user.
 */
export function withPreparedStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (statements.size >= MAX_PREPARED_STATEMENTS) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
