import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The local PostgreSQL of MACHINE-NOTES.md (trust auth); override with VEIL_TEST_PG_URL. */
export const PG_ADMIN_URL = process.env.VEIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** True when PostgreSQL answers; tests skip PostgreSQL only when it does not and `CI` is unset. */
export async function postgresAvailable(): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'));
    return true;
  } catch (error) {
    if (process.env.CI) throw error;
    return false;
  }
}

/** A uniquely named, empty database for one test run, and its removal. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `veil_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
