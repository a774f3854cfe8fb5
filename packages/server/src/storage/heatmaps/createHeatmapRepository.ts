import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import type { HeatmapRepository } from './HeatmapRepository.js';
import { heatmapAggregateWriter } from './heatmapAggregateWrites.js';
import { heatmapReads } from './heatmapReads.js';
import { heatmapSessions } from './heatmapSessions.js';

/** The heatmap part of the store, over either dialect. */
export function createHeatmapRepository(db: Kysely<Database>, dialect: Dialect): HeatmapRepository {
  const writer = heatmapAggregateWriter(dialect);
  return {
    ...heatmapSessions(db, dialect, writer),
    ...heatmapReads(db),
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
