import {
  type RecordedSelector,
  type SubjectRequestKind,
  type SubjectRequestOrigin,
  subjectRequestKindSchema,
  subjectRequestOriginSchema,
} from '@veil/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import type {
  ErasureReceiptRecord,
  SubjectRequestRecord,
  SubjectRequestRepository,
} from './SubjectRequestRepository.js';
import type { ErasureReceiptsTable, SubjectRequestsTable } from './subjectTables.js';

function selectorFromJson(json: string): RecordedSelector {
  const value = JSON.parse(json) as RecordedSelector;
  if (typeof value !== 'object' || value === null || typeof value.kind !== 'string')
    throw new Error('stored selector is malformed');
  return value;
}

export function requestFromRow(row: Selectable<SubjectRequestsTable>): SubjectRequestRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    siteKey: row.site_key,
    kind: subjectRequestKindSchema.parse(row.kind) as SubjectRequestKind,
    origin: subjectRequestOriginSchema.parse(row.origin) as SubjectRequestOrigin,
    selector: selectorFromJson(row.selector_json),
    receivedAt: Number(row.received_at),
    dueAt: Number(row.due_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    handledBy: row.handled_by,
    reference: row.reference,
    erasureReceiptId: row.erasure_receipt_id,
    exportBytes: row.export_bytes === null ? null : Number(row.export_bytes),
  };
}

function receiptFromRow(row: Selectable<ErasureReceiptsTable>): ErasureReceiptRecord {
  const ids: unknown = JSON.parse(row.session_ids_json);
  return {
    id: row.id,
    siteId: row.site_id,
    siteKey: row.site_key,
    selector: selectorFromJson(row.selector_json),
    sessions: Number(row.sessions),
    chunks: Number(row.chunks),
    dataKeysDestroyed: Number(row.data_keys),
    consentReceipts: Number(row.consent_receipts),
    sessionIds: Array.isArray(ids) ? ids.filter((v): v is string => typeof v === 'string') : [],
    requestedBy: row.requested_by,
    requestId: row.request_id,
    startedAt: Number(row.started_at),
    completedAt: Number(row.completed_at),
  };
}

export function createSubjectRequestRepository(db: Kysely<Database>): SubjectRequestRepository {
  return {
    async create(r) {
      await db
        .insertInto('subject_requests')
        .values({
          id: r.id,
          site_id: r.siteId,
          site_key: r.siteKey,
          kind: r.kind,
          origin: r.origin,
          selector_json: JSON.stringify(r.selector),
          received_at: r.receivedAt,
          due_at: r.dueAt,
          completed_at: r.completedAt,
          handled_by: r.handledBy,
          reference: r.reference,
          erasure_receipt_id: r.erasureReceiptId,
          export_bytes: r.exportBytes,
        })
        .execute();
      return r;
    },

    async findById(id) {
      const row = await db.selectFrom('subject_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? requestFromRow(row) : undefined;
    },

    async complete(id, result) {
      await db
        .updateTable('subject_requests')
        .set({
          completed_at: result.completedAt,
          ...(result.erasureReceiptId === undefined ? {} : { erasure_receipt_id: result.erasureReceiptId }),
          ...(result.exportBytes === undefined ? {} : { export_bytes: result.exportBytes }),
        })
        .where('id', '=', id)
        .execute();
    },

    async list(query) {
      let q = db.selectFrom('subject_requests').selectAll();
      if (query.siteId !== undefined) q = q.where('site_id', '=', query.siteId);
      const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(requestFromRow);
    },

    async addErasureReceipt(r) {
      await db
        .insertInto('erasure_receipts')
        .values({
          id: r.id,
          site_id: r.siteId,
          site_key: r.siteKey,
          selector_json: JSON.stringify(r.selector),
          sessions: r.sessions,
          chunks: r.chunks,
          data_keys: r.dataKeysDestroyed,
          consent_receipts: r.consentReceipts,
          session_ids_json: JSON.stringify(r.sessionIds),
          requested_by: r.requestedBy,
          request_id: r.requestId,
          started_at: r.startedAt,
          completed_at: r.completedAt,
        })
        .execute();
    },

    async findErasureReceipt(id) {
      const row = await db.selectFrom('erasure_receipts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? receiptFromRow(row) : undefined;
    },

    async erasureReceipts(siteId, limit) {
      const rows = await db
        .selectFrom('erasure_receipts')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('completed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(receiptFromRow);
    },
  };
}
