import {
  type ContentErasureReceipt,
  type ContentMatch,
  contentErasureReceiptSchema,
  contentMatchSchema,
  contentScanStatusSchema,
} from '@veil/core';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { ContentScanRecord, ContentScanRepository, ScanWindow } from './ContentScanRepository.js';
import type { ContentScansTable } from './contentScanTables.js';

const matchesSchema = z.array(contentMatchSchema);

function fromRow(r: ContentScansTable): ContentScanRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    siteKey: r.site_key,
    kind: r.match_kind === 'pattern' ? 'pattern' : 'value',
    caseSensitive: Number(r.case_sensitive) === 1,
    valueHash: r.value_hash,
    receivedFrom: r.received_from === null ? null : Number(r.received_from),
    receivedTo: r.received_to === null ? null : Number(r.received_to),
    status: contentScanStatusSchema.parse(r.status),
    sessionsTotal: Number(r.sessions_total),
    sessionsScanned: Number(r.sessions_scanned),
    matchedSessions: Number(r.matched_sessions),
    matchedCount: Number(r.matched_count),
    matches: matchesSchema.parse(JSON.parse(r.matches_json)),
    error: r.error,
    incidentId: r.incident_id,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    erasure: r.erasure_json === null ? null : contentErasureReceiptSchema.parse(JSON.parse(r.erasure_json)),
  };
}

function totals(matches: readonly ContentMatch[]) {
  return {
    matches_json: JSON.stringify(matches),
    matched_sessions: matches.length,
    matched_count: matches.reduce((sum, m) => sum + m.count, 0),
  };
}

/** Content scans over either dialect. */
export function createContentScanRepository(db: Kysely<Database>): ContentScanRepository {
  const sessions = (w: ScanWindow) => {
    let q = db.selectFrom('recording_sessions').where('site_id', '=', w.siteId);
    if (w.receivedFrom !== null) q = q.where('created_at', '>=', w.receivedFrom);
    if (w.receivedTo !== null) q = q.where('created_at', '<', w.receivedTo);
    return q;
  };
  return {
    async create(s) {
      await db
        .insertInto('content_scans')
        .values({
          id: s.id,
          site_id: s.siteId,
          site_key: s.siteKey,
          match_kind: s.kind,
          case_sensitive: s.caseSensitive ? 1 : 0,
          value_hash: s.valueHash,
          received_from: s.receivedFrom,
          received_to: s.receivedTo,
          status: s.status,
          sessions_total: s.sessionsTotal,
          sessions_scanned: s.sessionsScanned,
          ...totals(s.matches),
          error: s.error,
          incident_id: s.incidentId,
          created_by: s.createdBy,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
          completed_at: s.completedAt,
          erasure_json: s.erasure === null ? null : JSON.stringify(s.erasure),
          erased_at: s.erasure?.erasedAt ?? null,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('content_scans').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async list(siteId, limit) {
      const rows = await db
        .selectFrom('content_scans')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
    async listForIncident(incidentId) {
      const rows = await db
        .selectFrom('content_scans')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
    async progress(id, p) {
      await db
        .updateTable('content_scans')
        .set({
          sessions_total: p.sessionsTotal,
          sessions_scanned: p.sessionsScanned,
          ...totals(p.matches),
          updated_at: p.at,
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },
    async finish(id, end) {
      await db
        .updateTable('content_scans')
        .set({
          status: end.status,
          ...totals(end.matches),
          error: end.error,
          updated_at: end.at,
          completed_at: end.at,
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },
    async markErased(id, receipt: ContentErasureReceipt) {
      const result = await db
        .updateTable('content_scans')
        .set({
          status: 'erased',
          erasure_json: JSON.stringify(receipt),
          erased_at: receipt.erasedAt,
          updated_at: receipt.erasedAt,
        })
        .where('id', '=', id)
        .where('status', '=', 'completed')
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
    async failStale(before, at) {
      const result = await db
        .updateTable('content_scans')
        .set({
          status: 'failed',
          error: 'interrupted: the server stopped during the scan',
          updated_at: at,
          completed_at: at,
        })
        .where('status', '=', 'running')
        .where('updated_at', '<', before)
        .executeTakeFirst();
      return affected(result.numUpdatedRows);
    },
    async countSessions(w) {
      const row = await sessions(w)
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async sessionPage(w, after, limit) {
      let q = sessions(w).select(['id', 'created_at']);
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '>', after.receivedAt),
            eb.and([eb('created_at', '=', after.receivedAt), eb('id', '>', after.id)]),
          ]),
        );
      const rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, receivedAt: Number(r.created_at) }));
    },
    async heldSessionIds(siteId, sessionIds, now) {
      if (sessionIds.length === 0) return [];
      const direct = await db
        .selectFrom('legal_holds')
        .select('session_id')
        .where('site_id', '=', siteId)
        .where('session_id', 'in', sessionIds)
        .where('released_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      const bySubject = await db
        .selectFrom('session_subjects as ss')
        .innerJoin('legal_holds as h', (join) =>
          join.onRef('h.user_hash', '=', 'ss.user_hash').onRef('h.site_id', '=', 'ss.site_id'),
        )
        .select('ss.session_id')
        .where('ss.site_id', '=', siteId)
        .where('ss.session_id', 'in', sessionIds)
        .where('h.released_at', 'is', null)
        .where('h.expires_at', '>', now)
        .execute();
      const held = new Set<string>();
      for (const r of direct) if (r.session_id !== null) held.add(r.session_id);
      for (const r of bySubject) held.add(r.session_id);
      return sessionIds.filter((id) => held.has(id));
    },
  };
}
