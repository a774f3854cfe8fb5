import { type AuditEntry, isAuditAction } from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { AuditQuery, AuditRepository } from './AuditRepository.js';
import type { AuditLogTable } from './auditTables.js';

/** Rows read per round trip when scanning the whole log. */
const SCAN_PAGE_SIZE = 1000;

/** A stored row as the entry it holds. A row the application cannot read back is returned as is: verification names it. */
export function auditEntryFromRow(row: Selectable<AuditLogTable>): AuditEntry {
  let details: AuditEntry['details'];
  try {
    details = JSON.parse(row.details_json) as AuditEntry['details'];
  } catch {
    details = { unreadable: row.details_json };
  }
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actor: {
      type: row.actor_type as AuditEntry['actor']['type'],
      id: row.actor_id,
      label: row.actor_label,
    },
    action: (isAuditAction(row.action) ? row.action : row.action) as AuditEntry['action'],
    siteKey: row.site_key,
    target:
      row.target_type !== null && row.target_id !== null
        ? { type: row.target_type, id: row.target_id }
        : null,
    details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function escapeLike(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createAuditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async append(seal) {
      return db.transaction().execute(async (trx) => {
        // Writing first takes the write lock (SQLite) or the row lock (PostgreSQL): appends are serial.
        await trx.updateTable('audit_head').set({ id: 1 }).where('id', '=', 1).execute();
        const head = await trx
          .selectFrom('audit_head')
          .select(['seq', 'hash'])
          .where('id', '=', 1)
          .executeTakeFirstOrThrow();
        const { entry, checkpoint } = seal({ seq: Number(head.seq), hash: head.hash });
        await trx
          .insertInto('audit_log')
          .values({
            seq: entry.seq,
            at: entry.at,
            actor_type: entry.actor.type,
            actor_id: entry.actor.id,
            actor_label: entry.actor.label,
            action: entry.action,
            site_key: entry.siteKey,
            target_type: entry.target?.type ?? null,
            target_id: entry.target?.id ?? null,
            details_json: JSON.stringify(entry.details),
            prev_hash: entry.prevHash,
            hash: entry.hash,
          })
          .execute();
        if (checkpoint) {
          await trx
            .insertInto('audit_checkpoints')
            .values({
              seq: checkpoint.seq,
              hash: checkpoint.hash,
              at: checkpoint.at,
              key_id: checkpoint.keyId,
              signature: checkpoint.signature,
            })
            .execute();
        }
        await trx
          .updateTable('audit_head')
          .set({ seq: entry.seq, hash: entry.hash })
          .where('id', '=', 1)
          .execute();
        return entry;
      });
    },
    async head() {
      const row = await db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return { seq: Number(row.seq), hash: row.hash };
    },
    async query(q: AuditQuery) {
      let query = db.selectFrom('audit_log').selectAll();
      if (q.from !== undefined) query = query.where('at', '>=', q.from);
      if (q.to !== undefined) query = query.where('at', '<=', q.to);
      if (q.actions && q.actions.length > 0) query = query.where('action', 'in', [...q.actions]);
      if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
      if (q.siteKey !== undefined) query = query.where('site_key', '=', q.siteKey);
      if (q.targetId !== undefined) query = query.where('target_id', '=', q.targetId);
      if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
      if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
      if (q.text !== undefined && q.text !== '') {
        const pattern = `%${escapeLike(q.text)}%`;
        query = query.where(
          (eb) =>
            sql<boolean>`(lower(coalesce(${eb.ref('actor_label')}, '')) like ${pattern} escape '\\'
              or lower(coalesce(${eb.ref('target_id')}, '')) like ${pattern} escape '\\'
              or lower(${eb.ref('details_json')}) like ${pattern} escape '\\')`,
        );
      }
      const rows = await query.orderBy('seq', q.order).limit(q.limit).execute();
      return rows.map(auditEntryFromRow);
    },
    async *scan(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER, pageSize = SCAN_PAGE_SIZE) {
      let after = fromSeq - 1;
      for (;;) {
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', after)
          .where('seq', '<=', toSeq)
          .orderBy('seq', 'asc')
          .limit(pageSize)
          .execute();
        for (const row of rows) yield auditEntryFromRow(row);
        const last = rows.at(-1);
        if (!last || rows.length < pageSize) return;
        after = Number(last.seq);
      }
    },
    async checkpoints() {
      const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        hash: r.hash,
        at: Number(r.at),
        keyId: r.key_id,
        signature: r.signature,
      }));
    },
    async addCheckpoint(checkpoint) {
      await db
        .insertInto('audit_checkpoints')
        .values({
          seq: checkpoint.seq,
          hash: checkpoint.hash,
          at: checkpoint.at,
          key_id: checkpoint.keyId,
          signature: checkpoint.signature,
        })
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
    },
  };
}
