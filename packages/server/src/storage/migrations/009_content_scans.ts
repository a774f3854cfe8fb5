import type { Migration } from './Migration.js';

/**
 * Erasure by content: scans of a site's decrypted recordings for a leaked value or pattern, with
 * their progress, matches (session, event index, JSON path, count) and erasure receipt. The value
 * is kept only as its keyed hash.
 */
export const contentScans: Migration = {
  version: 9,
  name: 'content_scans',
  async up(db) {
    await db.schema
      .createTable('content_scans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('match_kind', 'text', (c) => c.notNull())
      .addColumn('case_sensitive', 'integer', (c) => c.notNull())
      .addColumn('value_hash', 'text', (c) => c.notNull())
      .addColumn('received_from', 'bigint')
      .addColumn('received_to', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sessions_total', 'bigint', (c) => c.notNull())
      .addColumn('sessions_scanned', 'bigint', (c) => c.notNull())
      .addColumn('matched_sessions', 'bigint', (c) => c.notNull())
      .addColumn('matched_count', 'bigint', (c) => c.notNull())
      .addColumn('matches_json', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('incident_id', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('erasure_json', 'text')
      .addColumn('erased_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('content_scans_site_idx')
      .on('content_scans')
      .columns(['site_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('content_scans_incident_idx')
      .on('content_scans')
      .column('incident_id')
      .execute();
    await db.schema
      .createIndex('content_scans_status_idx')
      .on('content_scans')
      .columns(['status', 'updated_at'])
      .execute();
  },
};
