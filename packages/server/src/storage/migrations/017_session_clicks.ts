import type { Migration } from './Migration.js';

/**
 * Session clicks: per replayable session, the clicks on elements (page path, element path, time)
 * kept at ingest, so that a funnel step may require a click and not only a page, without reading
 * a recording. Deleted with their session.
 */
export const sessionClicks: Migration = {
  version: 17,
  name: 'session_clicks',
  async up(db) {
    await db.schema
      .createTable('session_clicks')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('page', 'text', (c) => c.notNull())
      .addColumn('element', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_clicks_pk', ['session_id', 'seq', 'idx'])
      .execute();
  },
};
