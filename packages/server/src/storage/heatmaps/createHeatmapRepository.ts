import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import { IngestReadCache } from '../IngestReadCache.js';
import type { Dialect } from '../migrations/Migration.js';
import type { HeatmapRepository } from './HeatmapRepository.js';
import { heatmapAggregateWriter } from './heatmapAggregateWrites.js';
import { heatmapDayOutcomes } from './heatmapDayOutcomes.js';
import { heatmapReads } from './heatmapReads.js';
import { heatmapSessions } from './heatmapSessions.js';

/** The heatmap part of the store, over either dialect. */
export function createHeatmapRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  /** SQLite's native connection: a batch's session row and transaction as prepared statements. */
  sqlite?: BetterSqlite3.Database,
): HeatmapRepository {
  const writer = heatmapAggregateWriter(dialect);
  const sessions = heatmapSessions(db, dialect, writer, sqlite);
  const known = new IngestReadCache<boolean>();
  return {
    ...sessions,
    async ingest(key, plan, now) {
      try {
        return await sessions.ingest(key, plan, now);
      } finally {
        known.forget(key.sessionId);
      }
    },
    hasSessionCached: (sessionId) => known.get(sessionId, () => sessions.hasSession(sessionId)),
    deleteIdleSessions: (before, limit) => known.around(() => sessions.deleteIdleSessions(before, limit)),
    deleteSessions: (sessionIds) => known.around(() => sessions.deleteSessions(sessionIds)),
    ...heatmapReads(db),
    ...heatmapDayOutcomes(db),
    async addAggregates(siteId, writes, now) {
      try {
        const resolved = await db
          .transaction()
          .execute((trx) => writer.addAggregates(trx, siteId, writes, now));
        writer.learn(resolved);
      } catch (error) {
        writer.forget();
        throw error;
      }
    },
  };
}
