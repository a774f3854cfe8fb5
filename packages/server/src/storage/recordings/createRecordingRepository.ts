import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import type { RecordingRepository } from './RecordingRepository.js';
import { recordingReads } from './recordingReads.js';
import { recordingWrites } from './recordingWrites.js';

/** Recording sessions, their page views and sealed chunks, over either dialect. */
export function createRecordingRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  /** SQLite's native connection: batches are written with prepared statements (`sqliteChunkWrites`). */
  sqlite?: BetterSqlite3.Database,
): RecordingRepository {
  return { ...recordingReads(db, dialect), ...recordingWrites(db, dialect, sqlite) };
}
