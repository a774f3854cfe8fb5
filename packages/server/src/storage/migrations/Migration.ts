import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';

export type Dialect = 'sqlite' | 'postgres';

/** One forward-only schema step; it runs inside a transaction with the version bump. */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<Database>, dialect: Dialect): Promise<void>;
}

/** The binary column type of each dialect. */
export function binaryType(dialect: Dialect): 'blob' | 'bytea' {
  return dialect === 'postgres' ? 'bytea' : 'blob';
}
