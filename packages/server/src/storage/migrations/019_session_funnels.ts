import { sql } from 'kysely';
import { refreshFunnelSequence } from '../signals/funnelSequences.js';
import type { Migration } from './Migration.js';

/** Sessions rebuilt per read while filling the table from what is already stored. */
const BACKFILL_PAGE = 500;

/**
 * Per-session funnel sequences (`session_funnels`): one row per replayable session with its page
 * views and clicks in order, day, device class and visitor, rebuilt at ingest, so that a funnel
 * reads one range of rows by (site, day) instead of every page view and click. Clustered on that
 * key in SQLite (`without rowid`); PostgreSQL keeps it as an index. Filled here from the page
 * views and clicks already stored. Deleted with their session.
 */
export const sessionFunnels: Migration = {
  version: 19,
  name: 'session_funnels',
  async up(db, dialect) {
    await db.schema
      .createTable('session_funnels')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('device_class', 'text')
      .addColumn('visitor', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_funnels_pk', ['site_id', 'day', 'session_id'])
      .modifyEnd(dialect === 'postgres' ? sql`` : sql`without rowid`)
      .execute();
    await db.schema
      .createIndex('session_funnels_session_idx')
      .on('session_funnels')
      .column('session_id')
      .unique()
      .execute();
    if (dialect === 'sqlite') {
      // A funnel groups a range's sessions by sequence: walking this index needs no sort (three
      // times faster at 1 M sessions). PostgreSQL hashes instead, and caps a b-tree entry at
      // about 2.7 kB, which a long sequence exceeds.
      await db.schema
        .createIndex('session_funnels_items_idx')
        .on('session_funnels')
        .columns(['site_id', 'items', 'day', 'received_at', 'device_class', 'visitor'])
        .execute();
    }
    let after = '';
    for (;;) {
      const ids = await db
        .selectFrom('recording_sessions')
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(BACKFILL_PAGE)
        .execute();
      for (const { id } of ids) await refreshFunnelSequence(db, id);
      const last = ids[ids.length - 1];
      if (!last) break;
      after = last.id;
    }
  },
};
