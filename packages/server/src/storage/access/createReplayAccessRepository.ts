import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { ReplayAccessEntry, ReplayAccessRepository } from './ReplayAccessRepository.js';

export function createReplayAccessRepository(db: Kysely<Database>): ReplayAccessRepository {
  return {
    async record(entry) {
      const record: ReplayAccessEntry = { id: randomUUID(), ...entry };
      await db
        .insertInto('replay_access_log')
        .values({
          id: record.id,
          user_id: record.userId,
          api_token_id: record.apiTokenId,
          session_id: record.sessionId,
          site_id: record.siteId,
          purpose: record.purpose,
          accessed_at: record.accessedAt,
        })
        .execute();
      return record;
    },
    async listForSession(sessionId) {
      const rows = await db
        .selectFrom('replay_access_log')
        .selectAll()
        .where('session_id', '=', sessionId)
        .orderBy('accessed_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        userId: row.user_id,
        apiTokenId: row.api_token_id,
        sessionId: row.session_id,
        siteId: row.site_id,
        purpose: row.purpose,
        accessedAt: Number(row.accessed_at),
      }));
    },
  };
}
