import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations/Migration.js';
import { currentSchemaVersion } from './migrations/runMigrations.js';
import { replayAccessRepository } from './queries/accessLog.js';
import { apiTokenRepository } from './queries/apiTokens.js';
import { authSessionRepository } from './queries/authSessions.js';
import { recordingReads } from './queries/recordingReads.js';
import { recordingWrites } from './queries/recordingWrites.js';
import { settingsRepository } from './queries/settings.js';
import { siteRepository } from './queries/sites.js';
import { userRepository } from './queries/users.js';
import type { Store } from './Store.js';
import type { Database } from './schema.js';

/** The shared query layer: a `Store` over any Kysely instance of either dialect. */
export function createKyselyStore(db: Kysely<Database>, dialect: Dialect): Store {
  let closed = false;
  return {
    dialect,
    settings: settingsRepository(db),
    users: userRepository(db),
    authSessions: authSessionRepository(db),
    apiTokens: apiTokenRepository(db),
    sites: siteRepository(db),
    recordings: { ...recordingReads(db), ...recordingWrites(db, dialect) },
    accessLog: replayAccessRepository(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    schemaVersion() {
      return currentSchemaVersion(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
