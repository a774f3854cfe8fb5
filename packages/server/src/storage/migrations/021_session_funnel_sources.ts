import type { Migration } from './Migration.js';

/**
 * `session_funnel_sources`: per session, the page views and clicks its `session_funnels` row is
 * merged from (`funnelSequenceWrites.ts`), each with its place (time, kind, batch, position), up to
 * the last one that can still be an item. Ingest merges only a batch's own page views and clicks
 * into them instead of reading every page view and click of the session again (issue 16). None is
 * filled here: a session without one is rebuilt from what is stored on its next batch. Deleted
 * with its session.
 */
export const sessionFunnelSources: Migration = {
  version: 21,
  name: 'session_funnel_sources',
  async up(db) {
    await db.schema
      .createTable('session_funnel_sources')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('sources', 'text', (c) => c.notNull())
      .execute();
  },
};
