import { binaryType, type Migration } from './Migration.js';

/** Alerts (the inbox), alert sinks with sealed secrets, and the delivery log (issue #14). */
export const alerts: Migration = {
  version: 7,
  name: 'alerts',
  async up(db, dialect) {
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('open_fingerprint', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('details_json', 'text', (c) => c.notNull())
      .addColumn('occurrences', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .addColumn('resolved_at', 'bigint')
      .addColumn('resolved_by', 'text')
      .addColumn('note', 'text')
      .execute();
    // NULLs never collide: resolved alerts leave the index, an unresolved fingerprint stays unique.
    await db.schema
      .createIndex('alerts_open_fingerprint_idx')
      .on('alerts')
      .columns(['site_id', 'open_fingerprint'])
      .unique()
      .execute();
    await db.schema
      .createIndex('alerts_site_seen_idx')
      .on('alerts')
      .columns(['site_id', 'last_seen_at'])
      .execute();

    await db.schema
      .createTable('alert_sinks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('secret_box', binaryType(dialect), (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('alert_sinks_site_name_unique', ['site_id', 'name'])
      .execute();

    await db.schema
      .createTable('alert_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('sink_id', 'text', (c) => c.notNull().references('alert_sinks.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.references('alerts.id').onDelete('cascade'))
      .addColumn('digest_alert_ids', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_response', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('alert_deliveries_due_idx')
      .on('alert_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('alert_deliveries_sink_idx')
      .on('alert_deliveries')
      .columns(['sink_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('alert_deliveries_site_idx')
      .on('alert_deliveries')
      .columns(['site_id', 'created_at'])
      .execute();
  },
};
