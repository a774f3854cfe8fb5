import { sql } from 'kysely';
import type { Migration } from './Migration.js';

/**
 * The privacy engine: policy versions (append-only at the engine: triggers refuse
 * UPDATE and DELETE), masking failures, privacy alerts and drop counters. Every existing site's
 * current policy becomes its version 1.
 */
export const privacyPolicyVersions: Migration = {
  version: 5,
  name: 'privacy_policy_versions',
  async up(db, dialect) {
    await db.schema
      .createTable('policy_versions')
      // No cascade: a site with a policy history cannot be deleted out from under its evidence.
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('policy_json', 'text', (c) => c.notNull())
      .addColumn('author_type', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      .addColumn('author_label', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('diff_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('policy_versions_pk', ['site_id', 'version'])
      .execute();

    await db.schema
      .createTable('masking_failures')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('page_pattern', 'text', (c) => c.notNull())
      .addColumn('element_path', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('masking_failures_pk', [
        'site_id',
        'page_pattern',
        'element_path',
        'label',
        'location',
      ])
      .execute();

    await db.schema
      .createTable('privacy_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('page_pattern', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .execute();
    await db.schema
      .createIndex('privacy_alerts_site_created_idx')
      .on('privacy_alerts')
      .columns(['site_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('privacy_drop_counts')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('privacy_drop_counts_pk', ['site_id', 'day', 'reason'])
      .execute();

    // Every site's current policy is its first version.
    const sites = await db
      .selectFrom('sites')
      .innerJoin('site_policies', 'site_policies.site_id', 'sites.id')
      .select([
        'sites.id as id',
        'sites.created_at as created_at',
        'site_policies.policy_json as policy_json',
      ])
      .execute();
    for (const s of sites) {
      await db
        .insertInto('policy_versions')
        .values({
          site_id: s.id,
          version: 1,
          policy_json: s.policy_json,
          author_type: 'system',
          author_id: null,
          author_label: 'system',
          reason: 'initial policy',
          diff_json: '[]',
          created_at: Number(s.created_at),
        })
        .execute();
    }

    // Versions are evidence: the engine refuses to change or remove them.
    if (dialect === 'sqlite') {
      for (const op of ['UPDATE', 'DELETE']) {
        await sql
          .raw(
            `CREATE TRIGGER policy_versions_no_${op.toLowerCase()} BEFORE ${op} ON policy_versions ` +
              "BEGIN SELECT RAISE(ABORT, 'policy_versions is append-only'); END",
          )
          .execute(db);
      }
    } else {
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION veil_policy_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'policy_versions is append-only'; END $$`,
        )
        .execute(db);
      await sql
        .raw(
          'CREATE TRIGGER policy_versions_append_only BEFORE UPDATE OR DELETE ON policy_versions FOR EACH ROW EXECUTE FUNCTION veil_policy_versions_append_only()',
        )
        .execute(db);
      await sql
        .raw(
          'CREATE TRIGGER policy_versions_no_truncate BEFORE TRUNCATE ON policy_versions FOR EACH STATEMENT EXECUTE FUNCTION veil_policy_versions_append_only()',
        )
        .execute(db);
    }
  },
};
