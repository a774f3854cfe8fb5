import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createKyselyStore } from '../createKyselyStore.js';
import type { Database } from '../Database.js';
import { runMigrations } from '../migrations/runMigrations.js';
import type { Store } from '../Store.js';

const POOL_MAX_CONNECTIONS = 10;
const CONNECT_TIMEOUT_MS = 10_000;

/** int8 (counts, millisecond times) as numbers: every value Veil stores there is below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The scale-out store: a pg Pool on `url`, migrated to the latest schema. */
export async function openPostgresStore(
  url: string,
  clock: () => number = Date.now,
  onBackgroundError: (error: Error) => void = (error) =>
    process.emitWarning(`PostgreSQL pool: ${error.message}`),
): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', onBackgroundError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await runMigrations(db, 'postgres', clock);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, 'postgres');
}
