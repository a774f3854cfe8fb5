import type { Migration } from './Migration.js';
import { binaryType } from './Migration.js';

/** Users and auth, sites and their policies, recordings (summary, pages, chunks, keys), access log. */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  async up(db, dialect) {
    await db.schema
      .createTable('instance_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('auth_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('auth_sessions_user_idx').on('auth_sessions').column('user_id').execute();
    await db.schema
      .createIndex('auth_sessions_expiry_idx')
      .on('auth_sessions')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('site_origins')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('origin', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('site_origins_pk', ['site_id', 'origin'])
      .execute();
    await db.schema.createIndex('site_origins_origin_idx').on('site_origins').column('origin').execute();

    await db.schema
      .createTable('site_policies')
      .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id').onDelete('cascade'))
      .addColumn('policy_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('recording_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('visitor_id', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint', (c) => c.notNull())
      .addColumn('last_received_at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('page_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('entry_url', 'text')
      .addColumn('device_class', 'text')
      .addColumn('viewport_width', 'integer')
      .addColumn('event_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('finalised', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recording_sessions_site_started_idx')
      .on('recording_sessions')
      .columns(['site_id', 'started_at', 'id'])
      .execute();
    await db.schema
      .createIndex('recording_sessions_open_idx')
      .on('recording_sessions')
      .columns(['finalised', 'last_received_at'])
      .execute();

    await db.schema
      .createTable('session_pages')
      .addColumn('session_id', 'text', (c) =>
        c.notNull().references('recording_sessions.id').onDelete('cascade'),
      )
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('title_sealed', binaryType(dialect))
      .addColumn('viewport_width', 'integer')
      .addPrimaryKeyConstraint('session_pages_pk', ['session_id', 'seq', 'idx'])
      .execute();
    await db.schema
      .createIndex('session_pages_ts_idx')
      .on('session_pages')
      .columns(['session_id', 'ts'])
      .execute();

    await db.schema
      .createTable('chunks')
      .addColumn('session_id', 'text', (c) =>
        c.notNull().references('recording_sessions.id').onDelete('cascade'),
      )
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('payload', binaryType(dialect), (c) => c.notNull())
      .addPrimaryKeyConstraint('chunks_pk', ['session_id', 'seq'])
      .execute();

    await db.schema
      .createTable('session_keys')
      .addColumn('session_id', 'text', (c) =>
        c.primaryKey().references('recording_sessions.id').onDelete('cascade'),
      )
      .addColumn('wrapped_key', binaryType(dialect), (c) => c.notNull())
      .addColumn('master_key_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('replay_access_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('api_token_id', 'text')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('accessed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('replay_access_log_session_idx')
      .on('replay_access_log')
      .columns(['session_id', 'accessed_at'])
      .execute();
  },
};
