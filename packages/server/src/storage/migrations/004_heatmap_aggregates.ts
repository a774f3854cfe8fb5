import { type ColumnDefinitionBuilder, sql } from 'kysely';
import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Heatmaps: page patterns and element paths (dictionaries), pre-aggregated page
 * totals, element stats and cell tiles keyed by (page, device, segment, bucket, …), the per-session
 * counting state, and representative snapshots. On SQLite the aggregate tables are clustered by
 * their key (`without rowid`): a heatmap query is a few index range reads.
 */
export const heatmapAggregates: Migration = {
  version: 4,
  name: 'heatmap_aggregates',
  async up(db, dialect) {
    const pg = dialect === 'postgres';
    const clustered = pg ? sql`` : sql`without rowid`;
    const blob = binaryType(dialect);

    await db.schema
      .createTable('heatmap_pages')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('pattern', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('heatmap_pages_site_pattern', ['site_id', 'pattern'])
      .execute();

    await db.schema
      .createTable('heatmap_elements')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('page_id', 'bigint', (c) => c.notNull().references('heatmap_pages.id').onDelete('cascade'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addUniqueConstraint('heatmap_elements_page_path', ['page_id', 'path'])
      .execute();

    const key = ['page_id', 'device', 'segment', 'bucket'] as const;
    const keyed = (name: string) =>
      db.schema
        .createTable(name)
        .addColumn('page_id', 'bigint', (c) => c.notNull().references('heatmap_pages.id').onDelete('cascade'))
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('segment', 'text', (c) => c.notNull())
        .addColumn('bucket', 'bigint', (c) => c.notNull());
    const count = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

    await keyed('heatmap_totals')
      .addColumn('views', 'bigint', count)
      .addColumn('sessions', 'bigint', count)
      .addColumn('clicks', 'bigint', count)
      .addColumn('rage', 'bigint', count)
      .addColumn('dead', 'bigint', count)
      .addColumn('attention_ms', 'bigint', count)
      .addColumn('scroll_views', 'bigint', count)
      .addColumn('fold_px_sum', 'bigint', count)
      .addColumn('scroll', blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_totals_pk', [...key])
      .modifyEnd(clustered)
      .execute();

    await keyed('heatmap_element_stats')
      .addColumn('element_id', 'bigint', (c) => c.notNull())
      .addColumn('stats', blob, (c) => c.notNull())
      .addColumn('grid', blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_element_stats_pk', [...key, 'element_id'])
      .modifyEnd(clustered)
      .execute();

    await keyed('heatmap_tiles')
      .addColumn('kind', 'integer', (c) => c.notNull())
      .addColumn('tile', 'bigint', (c) => c.notNull())
      .addColumn('counts', blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_tiles_pk', ['page_id', 'device', 'segment', 'kind', 'bucket', 'tile'])
      .modifyEnd(clustered)
      .execute();

    await db.schema
      .createTable('heatmap_sessions')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('first_ts', 'bigint', (c) => c.notNull())
      .addColumn('last_ts', 'bigint', (c) => c.notNull())
      .addColumn('last_received_at', 'bigint', (c) => c.notNull())
      .addColumn('device', 'text')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('segment_json', 'text')
      .addColumn('seen_json', 'text', (c) => c.notNull())
      .addColumn('seqs_json', 'text', (c) => c.notNull())
      .addColumn('pending_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('heatmap_sessions_received_idx')
      .on('heatmap_sessions')
      .column('last_received_at')
      .execute();

    await db.schema
      .createTable('heatmap_snapshots')
      .addColumn('page_id', 'bigint', (c) => c.notNull().references('heatmap_pages.id').onDelete('cascade'))
      .addColumn('device', 'text', (c) => c.notNull())
      .addColumn('captured_at', 'bigint', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('snapshot_id', 'text', (c) => c.notNull())
      .addColumn('wrapped_key', blob, (c) => c.notNull())
      .addColumn('master_key_id', 'text', (c) => c.notNull())
      .addColumn('payload', blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('heatmap_snapshots_pk', ['page_id', 'device'])
      .execute();
  },
};
