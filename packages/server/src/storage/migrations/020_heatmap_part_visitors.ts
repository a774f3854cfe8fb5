import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Distinct visitors of the parts of heatmap rows (`visitorSets.ts`): an element's clicks, rage and
 * dead clicks, dwell and grid cells (`heatmap_element_stats.visitors`), a tile's page cells
 * (`heatmap_tiles.visitors`) and a page's scroll-depth bins (`heatmap_totals.scroll_visitors`),
 * so that k of an element or cell counts visitors, not sessions. Rows written before this
 * migration have none: their elements and cells stay withheld until new data arrives (fails closed).
 */
export const heatmapPartVisitors: Migration = {
  version: 20,
  name: 'heatmap_part_visitors',
  async up(db, dialect) {
    await db.schema.alterTable('heatmap_element_stats').addColumn('visitors', binaryType(dialect)).execute();
    await db.schema.alterTable('heatmap_tiles').addColumn('visitors', binaryType(dialect)).execute();
    await db.schema.alterTable('heatmap_totals').addColumn('scroll_visitors', binaryType(dialect)).execute();
  },
};
