import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index.js';
import type { Dialect } from './Migration.js';

/** Arbitrary constant naming Veil's migration lock among PostgreSQL advisory locks. */
const PG_MIGRATION_LOCK_ID = 74_656_961;

export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * Brings the schema to `LATEST_SCHEMA_VERSION`. Each migration runs in its own transaction together
 * with its `schema_version` row; on PostgreSQL an advisory lock lets many processes start at once.
 * Refuses a database newer than this build.
 */
export async function runMigrations(
  db: Kysely<Database>,
  dialect: Dialect,
  clock: () => number,
): Promise<MigrationResult> {
  await db.transaction().execute(async (trx) => {
    await lock(trx, dialect);
    await trx.schema
      .createTable('schema_version')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
  });

  const from = await currentSchemaVersion(db);
  if (from > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the database has schema version ${from}, newer than this Veil (${LATEST_SCHEMA_VERSION}); upgrade Veil`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    await db.transaction().execute(async (trx) => {
      await lock(trx, dialect);
      const applied = await trx
        .selectFrom('schema_version')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (applied) return; // another process got there first
      await migration.up(trx, dialect);
      await trx
        .insertInto('schema_version')
        .values({ version: migration.version, name: migration.name, applied_at: clock() })
        .execute();
    });
  }
  return { from, to: await currentSchemaVersion(db) };
}

/** Serialises migrations across processes sharing one PostgreSQL (SQLite's write lock does this itself). */
async function lock(trx: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_MIGRATION_LOCK_ID})`.execute(trx);
}

export async function currentSchemaVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('schema_version')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}
