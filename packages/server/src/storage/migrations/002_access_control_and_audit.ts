import { sql } from 'kysely';
import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/**
 * Access control and the audit log: users' site restriction, TOTP and lockout, sessions'
 * second factor, scoped expiring tokens, purpose-bound replay grants, access-anomaly alerts, OIDC
 * login state, and the append-only, hash-chained `audit_log` with its signed `audit_checkpoints`.
 */
export const accessControlAndAudit: Migration = {
  version: 2,
  name: 'access_control_and_audit',
  async up(db, dialect) {
    const bigintKey = dialect === 'postgres' ? 'bigint' : 'integer';

    await db.schema.alterTable('users').addColumn('totp_secret_sealed', binaryType(dialect)).execute();
    await db.schema.alterTable('users').addColumn('totp_enabled_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
    await db.schema
      .alterTable('users')
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('locked_until', 'bigint').execute();
    await db.schema
      .alterTable('users')
      .addColumn('all_sites', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
    await db.schema
      .createIndex('users_oidc_subject_idx')
      .on('users')
      .column('oidc_subject')
      .unique()
      .execute();

    await db.schema
      .createTable('user_sites')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_sites_pk', ['user_id', 'site_id'])
      .execute();

    await db.schema.alterTable('auth_sessions').addColumn('second_factor_at', 'bigint').execute();
    await db.schema
      .alterTable('auth_sessions')
      .addColumn('method', 'text', (c) => c.notNull().defaultTo('password'))
      .execute();

    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
    await db.schema
      .alterTable('api_tokens')
      .addColumn('all_sites', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createTable('api_token_sites')
      .addColumn('token_id', 'text', (c) => c.notNull().references('api_tokens.id').onDelete('cascade'))
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('api_token_sites_pk', ['token_id', 'site_id'])
      .execute();

    await db.schema
      .alterTable('sites')
      .addColumn('raw_replays_per_hour', 'integer', (c) => c.notNull().defaultTo(20))
      .execute();

    await db.schema
      .createTable('replay_grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('api_token_id', 'text')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('ticket', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('replay_grants_session_idx')
      .on('replay_grants')
      .columns(['session_id', 'expires_at'])
      .execute();
    await db.schema
      .createIndex('replay_grants_site_idx')
      .on('replay_grants')
      .columns(['site_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('replay_grants_created_idx')
      .on('replay_grants')
      .columns(['created_at'])
      .execute();

    await db.schema
      .createTable('access_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('site_id', 'text')
      .addColumn('site_key', 'text')
      .addColumn('user_id', 'text')
      .addColumn('api_token_id', 'text')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('access_alerts_created_idx')
      .on('access_alerts')
      .column('created_at')
      .execute();

    await db.schema
      .createTable('oidc_logins')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', bigintKey, (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text')
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('details_json', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'at']).execute();
    await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'at']).execute();
    await db.schema.createIndex('audit_log_site_idx').on('audit_log').columns(['site_key', 'at']).execute();

    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('seq', bigintKey, (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();

    // The head of the chain, updated by every append in the same transaction. Appenders lock this
    // row first (an UPDATE), which serialises appends across processes on both engines; and since
    // the next seq comes from here, not from the last row, deleting the newest entries leaves a gap
    // that verification names.
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db
      .insertInto('audit_head')
      .values({ id: 1, seq: 0, hash: '0'.repeat(64) })
      .execute();

    // Append-only at the engine too: the application can never change or remove evidence. (A
    // database administrator can drop these triggers; the hash chain and signatures are what
    // catch that.)
    if (dialect === 'sqlite') {
      for (const table of ['audit_log', 'audit_checkpoints']) {
        for (const op of ['UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
                `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
            )
            .execute(db);
        }
      }
    } else {
      await sql
        .raw(
          `CREATE OR REPLACE FUNCTION veil_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
        )
        .execute(db);
      for (const table of ['audit_log', 'audit_checkpoints']) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
              'FOR EACH ROW EXECUTE FUNCTION veil_append_only()',
          )
          .execute(db);
        await sql
          .raw(
            `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} ` +
              'FOR EACH STATEMENT EXECUTE FUNCTION veil_append_only()',
          )
          .execute(db);
      }
    }
  },
};
