import type { DatabaseConfig } from '../config/config.js';
import { openPostgresStore } from './postgres/openPostgresStore.js';
import type { Store } from './Store.js';
import { openSqliteStore } from './sqlite/openSqliteStore.js';

export interface OpenStoreOptions {
  /** Stamps `schema_version.applied_at`. */
  clock?: () => number;
  /** Errors of idle PostgreSQL connections (the pool replaces them); default: a process warning. */
  onBackgroundError?: (error: Error) => void;
}

/** Opens (and migrates) the configured store: SQLite by default, PostgreSQL for a postgres:// URL. */
export function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? Date.now;
  return database.kind === 'postgres'
    ? openPostgresStore(database.url, clock, options.onBackgroundError)
    : openSqliteStore(database.file, clock);
}
