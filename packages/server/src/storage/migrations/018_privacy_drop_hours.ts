import type { Migration } from './Migration.js';

/**
 * Hourly drop counters: batches the privacy steps dropped per site, UTC clock hour and reason,
 * beside the daily ones of `privacy_drop_counts`. The `restricted_region_spike` alert compares an
 * hour's count with the policy's `alerts.restrictedRegionSpikePerHour`. Rows older than two days
 * are pruned as new hours begin; none holds an address or a recorded value.
 */
export const privacyDropHours: Migration = {
  version: 18,
  name: 'privacy_drop_hours',
  async up(db) {
    await db.schema
      .createTable('privacy_drop_hours')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('hour_start', 'bigint', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('privacy_drop_hours_pk', ['site_id', 'reason', 'hour_start'])
      .execute();
  },
};
