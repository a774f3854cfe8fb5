import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { AccessLimitRepository } from './AccessLimitRepository.js';

export function createAccessLimitRepository(db: Kysely<Database>): AccessLimitRepository {
  return {
    async rawReplaysPerHour(siteId) {
      const row = await db
        .selectFrom('sites')
        .select('raw_replays_per_hour')
        .where('id', '=', siteId)
        .executeTakeFirst();
      return row ? Number(row.raw_replays_per_hour) : undefined;
    },
    async setRawReplaysPerHour(siteId, limit) {
      await db.updateTable('sites').set({ raw_replays_per_hour: limit }).where('id', '=', siteId).execute();
    },
  };
}
