import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Distinct visitors of heatmap page totals (`heatmap_totals.visitors`, a bitmap, `visitorBitmap.ts`):
 * the minimum cohort of heatmaps counts visitors, not sessions. Rows written before this migration
 * have none (null): their days count as holding no visitor, so they are refused until new data
 * arrives (fails closed).
 */
export const heatmapVisitors: Migration = {
  version: 16,
  name: 'heatmap_visitors',
  async up(db, dialect) {
    await db.schema.alterTable('heatmap_totals').addColumn('visitors', binaryType(dialect)).execute();
  },
};
