import path from 'node:path';
import { openPostgresStore } from '../../src/storage/postgres/openPostgresStore.js';
import type { Store } from '../../src/storage/Store.js';
import { openSqliteStore } from '../../src/storage/sqlite/openSqliteStore.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';
import { makeTempDir } from './tempDir.js';

/** One storage engine a conformance suite runs against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ store: Store; file?: string; cleanup: () => Promise<void> }>;
}

/** SQLite always; PostgreSQL when it answers (or always under CI). */
export async function storeBackends(): Promise<StoreBackend[]> {
  const backends: StoreBackend[] = [
    {
      name: 'sqlite',
      async open() {
        const temp = makeTempDir();
        const file = path.join(temp.dir, 'data', 'veil.sqlite');
        const store = await openSqliteStore(file);
        return { store, file, cleanup: async () => temp.remove() };
      },
    },
  ];
  if (await postgresAvailable()) {
    backends.push({
      name: 'postgres',
      async open() {
        const db = await createTestDatabase();
        return { store: await openPostgresStore(db.url), cleanup: () => db.drop() };
      },
    });
  }
  return backends;
}
