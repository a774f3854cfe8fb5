import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Distinct visitors of a page's rage and dead clicks (`heatmap_totals.signal_visitors`,
 * `visitorSets.ts`: part 0 rage, part 1 dead), so that the page list's and a click heatmap's
 * per-page rage and dead totals are k-anonymous on their own, part by part, like an element's.
 * Rows written before this migration have none: their rage and dead totals stay withheld (0)
 * until new data arrives (fails closed).
 */
export const heatmapSignalVisitors: Migration = {
  version: 22,
  name: 'heatmap_signal_visitors',
  async up(db, dialect) {
    await db.schema.alterTable('heatmap_totals').addColumn('signal_visitors', binaryType(dialect)).execute();
  },
};
