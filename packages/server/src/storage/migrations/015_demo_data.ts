import { sql } from 'kysely';
import type { Migration } from './Migration.js';

/**
 * Demo data: a flag on the demo site and on every session recorded for it, so that what
 * `veil demo` (or a person trying the demo site) recorded can be told apart from real visitors
 * and erased in one step (`veil demo --erase`). The demo site already created is the one the
 * instance settings name (`demo_site_key`).
 */
export const demoData: Migration = {
  version: 15,
  name: 'demo_data',
  async up(db) {
    await db.schema
      .alterTable('sites')
      .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('recording_sessions')
      .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update sites set demo = 1
      where site_key in (select value from instance_settings where key = 'demo_site_key')`.execute(db);
    await sql`update recording_sessions set demo = 1
      where site_id in (select id from sites where demo = 1)`.execute(db);
    await db.schema
      .createIndex('recording_sessions_demo_idx')
      .on('recording_sessions')
      .columns(['demo', 'site_id'])
      .execute();
  },
};
