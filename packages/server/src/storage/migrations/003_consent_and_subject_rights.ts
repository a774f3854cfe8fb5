import type { Migration } from './Migration.js';

/**
 * Consent receipts, the opt-out registry, identified and tagged sessions, the data-subject
 * request log, erasure receipts and per-site banner texts.
 */
export const consentAndSubjectRights: Migration = {
  version: 3,
  name: 'consent_and_subject_rights',
  async up(db) {
    await db.schema
      .createTable('consent_receipts')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('visitor_id', 'text')
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('granted_json', 'text', (c) => c.notNull())
      .addColumn('denied_json', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'integer')
      .addColumn('lawful_basis', 'text', (c) => c.notNull())
      .addColumn('banner_text_hash', 'text')
      .addColumn('language', 'text')
      .addColumn('region', 'text')
      .addColumn('withdraws', 'text')
      .addColumn('withdrawn_at', 'bigint')
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('consent_receipts_pk', ['site_id', 'id'])
      .execute();
    await db.schema
      .createIndex('consent_receipts_time_idx')
      .on('consent_receipts')
      .columns(['site_id', 'recorded_at'])
      .execute();
    await db.schema
      .createIndex('consent_receipts_visitor_idx')
      .on('consent_receipts')
      .columns(['site_id', 'visitor_id'])
      .execute();

    await db.schema
      .createTable('opt_outs')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('opt_outs_pk', ['scope', 'subject_kind', 'subject'])
      .execute();
    await db.schema
      .createIndex('opt_outs_subject_idx')
      .on('opt_outs')
      .columns(['subject_kind', 'subject'])
      .execute();

    await db.schema
      .createTable('session_subjects')
      .addColumn('session_id', 'text', (c) =>
        c.notNull().references('recording_sessions.id').onDelete('cascade'),
      )
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('user_hash', 'text', (c) => c.notNull())
      .addColumn('linked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_subjects_pk', ['session_id', 'user_hash'])
      .execute();
    await db.schema
      .createIndex('session_subjects_user_idx')
      .on('session_subjects')
      .columns(['site_id', 'user_hash'])
      .execute();

    await db.schema
      .createTable('session_tags')
      .addColumn('session_id', 'text', (c) =>
        c.notNull().references('recording_sessions.id').onDelete('cascade'),
      )
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('tag_value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_tags_pk', ['session_id', 'tag_key', 'tag_value'])
      .execute();
    await db.schema
      .createIndex('session_tags_tag_idx')
      .on('session_tags')
      .columns(['tag_key', 'tag_value'])
      .execute();

    await db.schema
      .createTable('subject_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('selector_json', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('handled_by', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('erasure_receipt_id', 'text')
      .addColumn('export_bytes', 'bigint')
      .execute();
    await db.schema
      .createIndex('subject_requests_site_idx')
      .on('subject_requests')
      .columns(['site_id', 'received_at'])
      .execute();

    await db.schema
      .createTable('erasure_receipts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('site_key', 'text', (c) => c.notNull())
      .addColumn('selector_json', 'text', (c) => c.notNull())
      .addColumn('sessions', 'integer', (c) => c.notNull())
      .addColumn('chunks', 'integer', (c) => c.notNull())
      .addColumn('data_keys', 'integer', (c) => c.notNull())
      .addColumn('consent_receipts', 'integer', (c) => c.notNull())
      .addColumn('session_ids_json', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('erasure_receipts_site_idx')
      .on('erasure_receipts')
      .columns(['site_id', 'completed_at'])
      .execute();

    await db.schema
      .createTable('banner_texts')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('texts_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('banner_texts_pk', ['site_id', 'language'])
      .execute();
  },
};
