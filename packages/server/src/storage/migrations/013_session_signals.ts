import type { Migration } from './Migration.js';

/**
 * Session signals: per replayable session, the frustration and error signals counted at ingest
 * (rage and dead clicks, quick backs, excessive scrolling, error clicks, JavaScript errors, failed
 * requests), so that the session list filters and sorts by them without reading a recording.
 */
export const sessionSignals: Migration = {
  version: 13,
  name: 'session_signals',
  async up(db) {
    let table = db.schema
      .createTable('session_signals')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull());
    for (const column of [
      'rage_clicks',
      'dead_clicks',
      'quick_backs',
      'excessive_scrolls',
      'error_clicks',
      'js_errors',
      'failed_requests',
    ])
      table = table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
    await table
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('seqs_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('session_signals_site_idx').on('session_signals').column('site_id').execute();
  },
};
