import { sql } from 'kysely';
import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Stored per-part outcomes of heatmap answers (#17, `clickOutcomes.ts`): what one day of one
 * device class of a segment adds to a click heatmap at a k and minimum cohort, decided once from
 * the day's rows and read by every later answer covering the day. `heatmap_day_versions` holds each
 * page day's version, bumped by every aggregate write to that day; an outcome is read only while
 * the version it was decided at is the day's current one. Both cascade with their page.
 */
export const heatmapDayOutcomes: Migration = {
  version: 23,
  name: 'heatmap_day_outcomes',
  async up(db, dialect) {
    const clustered = dialect === 'postgres' ? sql`` : sql`without rowid`;
    await db.schema
      .createTable('heatmap_day_versions')
      .addColumn('page_id', 'bigint', (c) => c.notNull().references('heatmap_pages.id').onDelete('cascade'))
      .addColumn('bucket', 'bigint', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_day_versions_pk', ['page_id', 'bucket'])
      .modifyEnd(clustered)
      .execute();
    await db.schema
      .createTable('heatmap_day_outcomes')
      .addColumn('page_id', 'bigint', (c) => c.notNull().references('heatmap_pages.id').onDelete('cascade'))
      .addColumn('view', 'text', (c) => c.notNull())
      .addColumn('segment', 'text', (c) => c.notNull())
      .addColumn('k', 'integer', (c) => c.notNull())
      .addColumn('min_cohort', 'integer', (c) => c.notNull())
      .addColumn('device', 'text', (c) => c.notNull())
      .addColumn('bucket', 'bigint', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('outcome', binaryType(dialect), (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_day_outcomes_pk', [
        'page_id',
        'view',
        'segment',
        'k',
        'min_cohort',
        'device',
        'bucket',
      ])
      .modifyEnd(clustered)
      .execute();
  },
};
