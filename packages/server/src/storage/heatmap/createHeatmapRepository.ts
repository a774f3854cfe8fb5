import type { Kysely } from 'kysely';
import type { Dialect } from '../migrations/Migration.js';
import { heatmapAggregateWriter } from '../queries/heatmapAggregateWrites.js';
import { heatmapReads } from '../queries/heatmapReads.js';
import { heatmapSessions } from '../queries/heatmapSessions.js';
import type { Database } from '../schema.js';
import type { HeatmapRepository } from './HeatmapRepository.js';

/** The heatmap part of the store, over either dialect. */
export function createHeatmapRepository(db: Kysely<Database>, dialect: Dialect): HeatmapRepository {
  const writer = heatmapAggregateWriter(dialect);
  return {
    ...heatmapSessions(db, dialect, writer),
    ...heatmapReads(db),
    async addAggregates(siteId, writes, now) {
      try {
        await db.transaction().execute((trx) => writer.addAggregates(trx, siteId, writes, now));
      } catch (error) {
        writer.forget();
        throw error;
      }
    },
  };
}
