import type { Migration } from './Migration.js';

/**
 * Scheduled pre-consent scans: each site's schedule (opt-in, accept and reject selectors) and its
 * runs with a summary of their findings. `active_site_id` is set while a run is queued or running
 * and is unique, so a site never has two active runs, whichever process queues them.
 */
export const siteScans: Migration = {
  version: 11,
  name: 'site_scans',
  async up(db) {
    await db.schema
      .createTable('scan_schedules')
      .addColumn('site_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('interval_hours', 'integer', (c) => c.notNull())
      .addColumn('paths_json', 'text', (c) => c.notNull())
      .addColumn('crawl', 'integer', (c) => c.notNull())
      .addColumn('accept_selector', 'text')
      .addColumn('reject_selector', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('scan_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('active_site_id', 'text')
      .addColumn('requested_by', 'text')
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('urls_json', 'text', (c) => c.notNull())
      .addColumn('summary_json', 'text')
      .addColumn('findings_json', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    // NULLs never collide: finished runs leave the index.
    await db.schema
      .createIndex('scan_runs_active_site_idx')
      .on('scan_runs')
      .column('active_site_id')
      .unique()
      .execute();
    await db.schema
      .createIndex('scan_runs_site_idx')
      .on('scan_runs')
      .columns(['site_id', 'queued_at'])
      .execute();
    await db.schema
      .createIndex('scan_runs_status_idx')
      .on('scan_runs')
      .columns(['status', 'queued_at'])
      .execute();
  },
};
