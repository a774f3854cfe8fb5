import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { affected } from '../rows.js';
import type {
  LegalHoldRecord,
  PurgeReceiptRecord,
  PurgeTrigger,
  RetentionRepository,
} from './RetentionRepository.js';
import { retentionPurgeQueries } from './retentionPurgeQueries.js';
import type { LegalHoldsTable, PurgeReceiptsTable } from './retentionTables.js';

const TRIGGERS: readonly PurgeTrigger[] = ['start', 'schedule', 'cli', 'api'];

export function receiptFromRow(r: PurgeReceiptsTable): PurgeReceiptRecord {
  const trigger = TRIGGERS.find((t) => t === r.trigger);
  if (!trigger) throw new Error('stored purge trigger is not a known trigger');
  return {
    id: r.id,
    runId: r.run_id,
    siteId: r.site_id,
    siteKey: r.site_key,
    policyVersion: Number(r.policy_version),
    retentionDays: Number(r.retention_days),
    cutoff: Number(r.cutoff),
    sessions: Number(r.sessions),
    chunks: Number(r.chunks),
    bytes: Number(r.bytes),
    dataKeys: Number(r.data_keys),
    held: Number(r.held),
    overdue: Number(r.overdue),
    oldestRemainingAt: r.oldest_remaining_at === null ? null : Number(r.oldest_remaining_at),
    trigger,
    startedAt: Number(r.started_at),
    completedAt: Number(r.completed_at),
  };
}

function holdFromRow(r: LegalHoldsTable): LegalHoldRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    siteKey: r.site_key,
    sessionId: r.session_id,
    userHash: r.user_hash,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    releasedAt: r.released_at === null ? null : Number(r.released_at),
    releasedBy: r.released_by,
  };
}

/** Retention over either dialect: purge queries, receipts, legal holds, the purge lock. */
export function createRetentionRepository(db: Kysely<Database>, dialect: Dialect): RetentionRepository {
  return {
    ...retentionPurgeQueries(db, dialect),

    async withLock(name, now, leaseMs, work) {
      if (dialect === 'postgres') {
        // A session-level advisory lock on one pooled connection, held while `work` runs on others.
        return db.connection().execute(async (conn) => {
          const got = await sql<{
            ok: boolean;
          }>`select pg_try_advisory_lock(hashtext(${name})) as ok`.execute(conn);
          if (got.rows[0]?.ok !== true) return { acquired: false } as const;
          try {
            return { acquired: true, value: await work() } as const;
          } finally {
            await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn);
          }
        });
      }
      const holder = randomUUID();
      const taken = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('job_leases')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        if (current && Number(current.expires_at) > now) return false;
        await trx
          .insertInto('job_leases')
          .values({ name, holder, expires_at: now + leaseMs })
          .onConflict((oc) => oc.column('name').doUpdateSet({ holder, expires_at: now + leaseMs }))
          .execute();
        return true;
      });
      if (!taken) return { acquired: false };
      try {
        return { acquired: true, value: await work() };
      } finally {
        await db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
      }
    },

    async addReceipt(r) {
      await db
        .insertInto('purge_receipts')
        .values({
          id: r.id,
          run_id: r.runId,
          site_id: r.siteId,
          site_key: r.siteKey,
          policy_version: r.policyVersion,
          retention_days: r.retentionDays,
          cutoff: r.cutoff,
          sessions: r.sessions,
          chunks: r.chunks,
          bytes: r.bytes,
          data_keys: r.dataKeys,
          held: r.held,
          overdue: r.overdue,
          oldest_remaining_at: r.oldestRemainingAt,
          trigger: r.trigger,
          started_at: r.startedAt,
          completed_at: r.completedAt,
        })
        .execute();
    },

    async lastReceipt(siteId) {
      const row = await db
        .selectFrom('purge_receipts')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('completed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? receiptFromRow(row) : undefined;
    },

    async lastRunAt() {
      const row = await db
        .selectFrom('purge_receipts')
        .select((eb) => eb.fn.max('completed_at').as('at'))
        .executeTakeFirst();
      return row?.at == null ? undefined : Number(row.at);
    },

    async addHold(h) {
      await db
        .insertInto('legal_holds')
        .values({
          id: h.id,
          site_id: h.siteId,
          site_key: h.siteKey,
          session_id: h.sessionId,
          user_hash: h.userHash,
          reason: h.reason,
          created_by: h.createdBy,
          created_at: h.createdAt,
          expires_at: h.expiresAt,
          released_at: h.releasedAt,
          released_by: h.releasedBy,
        })
        .execute();
    },

    async getHold(id) {
      const row = await db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? holdFromRow(row) : undefined;
    },

    async listHolds(siteId, now, includeEnded) {
      let q = db.selectFrom('legal_holds').selectAll().where('site_id', '=', siteId);
      if (!includeEnded) q = q.where('released_at', 'is', null).where('expires_at', '>', now);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(holdFromRow);
    },

    async releaseHold(id, by, at) {
      const result = await db
        .updateTable('legal_holds')
        .set({ released_at: at, released_by: by })
        .where('id', '=', id)
        .where('released_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },

    async endExpiredHolds(now) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('legal_holds')
          .selectAll()
          .where('released_at', 'is', null)
          .where('expires_at', '<=', now)
          .execute();
        if (rows.length === 0) return [];
        await trx
          .updateTable('legal_holds')
          .set((eb) => ({ released_at: eb.ref('expires_at'), released_by: 'expiry' }))
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .where('released_at', 'is', null)
          .execute();
        return rows.map((r) => holdFromRow({ ...r, released_at: r.expires_at, released_by: 'expiry' }));
      });
    },
  };
}
