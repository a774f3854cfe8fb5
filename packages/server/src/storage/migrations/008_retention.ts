import type { Migration } from './Migration.js';

/**
 * Retention (issue #13): an index on each session's server receive time per site (the purge and
 * the oldest-session query read it, never the browser's clock), purge receipts, legal holds, and
 * the lease that keeps the purge to one process at a time on SQLite (PostgreSQL uses an advisory
 * lock instead).
 */
export const retention: Migration = {
  version: 8,
  name: 'retention',
  async up(db) {
    await db.schema
      .createIndex('recording_sessions_site_received_idx')
      .on('recording_sessions')
      .columns(['site_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('purge_receipts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'integer', (c) => c.notNull())
      .addColumn('retention_days', 'integer', (c) => c.notNull())
      .addColumn('cutoff', 'bigint', (c) => c.notNull())
      .addColumn('sessions', 'bigint', (c) => c.notNull())
      .addColumn('chunks', 'bigint', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('data_keys', 'bigint', (c) => c.notNull())
      .addColumn('held', 'bigint', (c) => c.notNull())
      .addColumn('overdue', 'bigint', (c) => c.notNull())
      .addColumn('oldest_remaining_at', 'bigint')
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('purge_receipts_site_idx')
      .on('purge_receipts')
      .columns(['site_id', 'completed_at'])
      .execute();

    await db.schema
      .createTable('legal_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('user_hash', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('released_at', 'bigint')
      .addColumn('released_by', 'text')
      .execute();
    await db.schema.createIndex('legal_holds_session_idx').on('legal_holds').column('session_id').execute();
    await db.schema
      .createIndex('legal_holds_user_idx')
      .on('legal_holds')
      .columns(['site_id', 'user_hash'])
      .execute();

    await db.schema
      .createTable('job_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
