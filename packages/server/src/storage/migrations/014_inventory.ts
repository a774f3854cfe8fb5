import type { Migration } from './Migration.js';

/** The data inventory: pages, fields, iframes and sensitive-looking elements per site, with their review. */
export const inventory: Migration = {
  version: 14,
  name: 'inventory',
  async up(db) {
    await db.schema
      .createTable('inventory_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('page_pattern', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('tag', 'text')
      .addColumn('name', 'text')
      .addColumn('element_id', 'text')
      .addColumn('input_type', 'text')
      .addColumn('autocomplete', 'text')
      .addColumn('label', 'text')
      .addColumn('capture', 'text')
      .addColumn('sensitive', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('sessions', 'bigint', (c) => c.notNull())
      .addColumn('network_payload_events', 'bigint', (c) => c.notNull())
      .addColumn('reviewed_at', 'bigint')
      .addColumn('reviewed_by', 'text')
      .addColumn('review_note', 'text')
      .addColumn('policy_version', 'integer')
      .addColumn('rule', 'text')
      .execute();
    await db.schema
      .createIndex('inventory_items_identity_idx')
      .on('inventory_items')
      .columns(['site_id', 'kind', 'page_pattern', 'path'])
      .unique()
      .execute();
    await db.schema
      .createIndex('inventory_items_status_idx')
      .on('inventory_items')
      .columns(['site_id', 'status'])
      .execute();
  },
};
