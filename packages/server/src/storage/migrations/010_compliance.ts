import type { Migration } from './Migration.js';

/**
 * The compliance pack: the processor / DPA register per site, attestations (dated, attributed,
 * expiring) and the monthly summaries that make the readiness trend.
 */
export const compliance: Migration = {
  version: 10,
  name: 'compliance',
  async up(db) {
    await db.schema
      .createTable('processors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('dpa_signed_at', 'bigint')
      .addColumn('dpa_reference', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('processors_site_idx').on('processors').column('site_id').execute();

    await db.schema
      .createTable('attestations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('statement', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('attested_by', 'text', (c) => c.notNull())
      .addColumn('attested_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('attestations_site_idx')
      .on('attestations')
      .columns(['site_id', 'attested_at'])
      .execute();

    await db.schema
      .createTable('compliance_summaries')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('max_score', 'integer', (c) => c.notNull())
      .addColumn('figures_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('compliance_summaries_pk', ['site_id', 'month'])
      .execute();
  },
};
