import type { Migration } from './Migration.js';

/** Exposure incidents: what leaked, when it was discovered, the notification decision. */
export const incidents: Migration = {
  version: 12,
  name: 'incidents',
  async up(db) {
    await db.schema
      .createTable('exposure_incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('page', 'text')
      .addColumn('element', 'text')
      .addColumn('window_from', 'bigint')
      .addColumn('window_to', 'bigint')
      .addColumn('found_how', 'text', (c) => c.notNull())
      .addColumn('found_details', 'text')
      .addColumn('discovered_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decision', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('notified_at', 'bigint')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('exposure_incidents_site_idx')
      .on('exposure_incidents')
      .columns(['site_id', 'discovered_at'])
      .execute();
  },
};
