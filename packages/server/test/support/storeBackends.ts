import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres/openPostgresStore.js';
import type { Store } from '../../src/storage/Store.js';
import { openSqliteStore } from '../../src/storage/sqlite/openSqliteStore.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';
import { makeTempDir } from './tempDir.js';

/** One opened test database and the store on it. */
export interface OpenedBackend {
  store: Store;
  /** The SQLite file (SQLite only). */
  file?: string;
  /** Opens (and migrates) a second store on the same database, as a restarted process would. */
  reopen(): Promise<Store>;
  /** Runs SQL on a separate connection, as a database administrator would. */
  exec(text: string): Promise<void>;
  /** Reads the rows of each query with SQL on one separate connection, as a database administrator would. */
  query(...texts: string[]): Promise<Array<Array<Record<string, unknown>>>>;
  /** Removes the database (close the stores first). */
  cleanup(): Promise<void>;
}

/** One storage engine a conformance suite runs against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedBackend>;
}

/**
 * Every engine a conformance suite runs against: SQLite always; PostgreSQL when it answers (or
 * always under CI). Each repository's conformance suite runs `describe.each(await storeBackends())`.
 */
export async function storeBackends(): Promise<StoreBackend[]> {
  const backends: StoreBackend[] = [
    {
      name: 'sqlite',
      async open() {
        const temp = makeTempDir();
        const file = path.join(temp.dir, 'data', 'veil.sqlite');
        return {
          store: await openSqliteStore(file),
          file,
          reopen: () => openSqliteStore(file),
          exec: async (text) => {
            const db = new BetterSqlite3(file);
            try {
              db.exec(text);
            } finally {
              db.close();
            }
          },
          query: async (...texts) => {
            const db = new BetterSqlite3(file, { readonly: true });
            try {
              return texts.map((text) => db.prepare(text).all() as Array<Record<string, unknown>>);
            } finally {
              db.close();
            }
          },
          cleanup: async () => temp.remove(),
        };
      },
    },
  ];
  if (await postgresAvailable()) {
    backends.push({
      name: 'postgres',
      async open() {
        const db = await createTestDatabase();
        return {
          store: await openPostgresStore(db.url),
          reopen: () => openPostgresStore(db.url),
          exec: async (text) => {
            const client = new pg.Client({ connectionString: db.url });
            await client.connect();
            try {
              await client.query(text);
            } finally {
              await client.end();
            }
          },
          query: async (...texts) => {
            const client = new pg.Client({ connectionString: db.url });
            await client.connect();
            try {
              const out: Array<Array<Record<string, unknown>>> = [];
              for (const text of texts)
                out.push((await client.query(text)).rows as Array<Record<string, unknown>>);
              return out;
            } finally {
              await client.end();
            }
          },
          cleanup: () => db.drop(),
        };
      },
    });
  }
  return backends;
}
