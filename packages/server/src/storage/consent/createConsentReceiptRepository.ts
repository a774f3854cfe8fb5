import {
  CONSENT_SOURCES,
  type ConsentDecision,
  type ConsentSource,
  consentDecisionSchema,
  type LawfulBasis,
  lawfulBasisSchema,
} from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import { IngestReadCache } from '../IngestReadCache.js';
import { affected } from '../rows.js';
import type {
  ConsentCountRow,
  ConsentReceiptRecord,
  ConsentReceiptRepository,
  NewConsentReceipt,
} from './ConsentReceiptRepository.js';
import type { ConsentReceiptsTable } from './consentTables.js';

/** Keeps an `IN (…)` list well under both dialects' bound-parameter limits. */
const IDS_PER_QUERY = 500;

function decisionFromRow(value: string): ConsentDecision {
  const parsed = consentDecisionSchema.safeParse(value);
  if (!parsed.success) throw new Error('stored consent decision is not a known decision');
  return parsed.data;
}

function sourceFromRow(value: string): ConsentSource {
  if (!(CONSENT_SOURCES as readonly string[]).includes(value))
    throw new Error('stored consent source is unknown');
  return value as ConsentSource;
}

function basisFromRow(value: string): LawfulBasis {
  return lawfulBasisSchema.parse(value);
}

function strings(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function consentReceiptFromRow(row: Selectable<ConsentReceiptsTable>): ConsentReceiptRecord {
  return {
    siteId: row.site_id,
    id: row.id,
    visitorId: row.visitor_id,
    decision: decisionFromRow(row.decision),
    granted: strings(row.granted_json),
    denied: strings(row.denied_json),
    source: sourceFromRow(row.source),
    policyVersion: row.policy_version === null ? null : Number(row.policy_version),
    lawfulBasis: basisFromRow(row.lawful_basis),
    bannerTextHash: row.banner_text_hash,
    language: row.language,
    region: row.region,
    withdraws: row.withdraws,
    withdrawnAt: row.withdrawn_at === null ? null : Number(row.withdrawn_at),
    recordedAt: Number(row.recorded_at),
  };
}

function rowOf(r: NewConsentReceipt): ConsentReceiptsTable {
  return {
    site_id: r.siteId,
    id: r.id,
    visitor_id: r.visitorId,
    decision: r.decision,
    granted_json: JSON.stringify(r.granted),
    denied_json: JSON.stringify(r.denied),
    source: r.source,
    policy_version: r.policyVersion,
    lawful_basis: r.lawfulBasis,
    banner_text_hash: r.bannerTextHash,
    language: r.language,
    region: r.region,
    withdraws: r.withdraws,
    withdrawn_at: null,
    recorded_at: r.recordedAt,
  };
}

function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

export function createConsentReceiptRepository(db: Kysely<Database>): ConsentReceiptRepository {
  const find = async (siteId: string, id: string) => {
    const row = await db
      .selectFrom('consent_receipts')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? consentReceiptFromRow(row) : undefined;
  };

  const repository: Omit<ConsentReceiptRepository, 'findGrantCached'> = {
    async registerGrant(receipt) {
      const inserted = await db
        .insertInto('consent_receipts')
        .values(rowOf(receipt))
        .onConflict((oc) => oc.columns(['site_id', 'id']).doNothing())
        .executeTakeFirst();
      const stored = await find(receipt.siteId, receipt.id);
      if (!stored) throw new Error('a consent receipt vanished while it was registered');
      if (affected(inserted.numInsertedOrUpdatedRows) === 1) {
        // A withdrawal naming this receipt may have reached the server first (the browser stores the
        // id before the grant's registration is sent): the grant is born withdrawn and refused.
        const withdrawal = await db
          .selectFrom('consent_receipts')
          .select('recorded_at')
          .where('site_id', '=', receipt.siteId)
          .where('decision', '=', 'withdrawn')
          .where('withdraws', '=', receipt.id)
          .orderBy('recorded_at')
          .limit(1)
          .executeTakeFirst();
        if (withdrawal) {
          await db
            .updateTable('consent_receipts')
            .set({ withdrawn_at: withdrawal.recorded_at })
            .where('site_id', '=', receipt.siteId)
            .where('id', '=', receipt.id)
            .where('withdrawn_at', 'is', null)
            .execute();
          return { outcome: 'conflict', receipt: { ...stored, withdrawnAt: Number(withdrawal.recorded_at) } };
        }
        return { outcome: 'created', receipt: stored };
      }
      const same =
        stored.decision === 'granted' &&
        stored.withdrawnAt === null &&
        stored.visitorId === receipt.visitorId;
      return { outcome: same ? 'existing' : 'conflict', receipt: stored };
    },

    recordWithdrawal(receipt) {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('consent_receipts').values(rowOf(receipt)).execute();
        let withdrawn = 0;
        if (receipt.withdraws !== null) {
          const named = await trx
            .updateTable('consent_receipts')
            .set({ withdrawn_at: receipt.recordedAt })
            .where('site_id', '=', receipt.siteId)
            .where('id', '=', receipt.withdraws)
            .where('decision', '=', 'granted')
            .where('withdrawn_at', 'is', null)
            .executeTakeFirst();
          withdrawn += affected(named.numUpdatedRows);
        }
        if (receipt.visitorId !== null) {
          const ofVisitor = await trx
            .updateTable('consent_receipts')
            .set({ withdrawn_at: receipt.recordedAt })
            .where('site_id', '=', receipt.siteId)
            .where('visitor_id', '=', receipt.visitorId)
            .where('decision', '=', 'granted')
            .where('withdrawn_at', 'is', null)
            .executeTakeFirst();
          withdrawn += affected(ofVisitor.numUpdatedRows);
        }
        return withdrawn;
      });
    },

    async recordRefusal(receipt) {
      await db.insertInto('consent_receipts').values(rowOf(receipt)).execute();
    },

    async findGrant(siteId, receiptId) {
      const found = await find(siteId, receiptId);
      return found?.decision === 'granted' ? found : undefined;
    },

    async list(siteId, query) {
      let q = db.selectFrom('consent_receipts').selectAll().where('site_id', '=', siteId);
      if (query.from !== undefined) q = q.where('recorded_at', '>=', query.from);
      if (query.to !== undefined) q = q.where('recorded_at', '<', query.to);
      const rows = await q.orderBy('recorded_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(consentReceiptFromRow);
    },

    async forVisitors(siteId, visitorIds) {
      const out: ConsentReceiptRecord[] = [];
      for (const ids of chunked(visitorIds)) {
        const rows = await db
          .selectFrom('consent_receipts')
          .selectAll()
          .where('site_id', '=', siteId)
          .where('visitor_id', 'in', ids)
          .execute();
        out.push(...rows.map(consentReceiptFromRow));
      }
      return out.sort((a, b) => a.recordedAt - b.recordedAt || a.id.localeCompare(b.id));
    },

    async deleteForVisitors(siteId, visitorIds) {
      let deleted = 0;
      for (const ids of chunked(visitorIds)) {
        const result = await db
          .deleteFrom('consent_receipts')
          .where('site_id', '=', siteId)
          .where('visitor_id', 'in', ids)
          .executeTakeFirst();
        deleted += affected(result.numDeletedRows);
      }
      return deleted;
    },

    async counts(siteId, from, to, bucketMs) {
      if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0)
        throw new Error('bucketMs must be a positive integer');
      if (!Number.isSafeInteger(from) || from < 0) throw new Error('from must be a non-negative integer');
      // Integer division on both dialects (bigint / bigint truncates). The two numbers are checked
      // integers written as literals: PostgreSQL must see the same expression in GROUP BY.
      const bucket = sql<number>`(recorded_at - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`;
      const rows = await db
        .selectFrom('consent_receipts')
        .select([
          bucket.as('bucket'),
          'decision',
          'source',
          'region',
          (eb) => eb.fn.countAll<number | string | bigint>().as('n'),
        ])
        .where('site_id', '=', siteId)
        .where('recorded_at', '>=', from)
        .where('recorded_at', '<', to)
        .groupBy([bucket, 'decision', 'source', 'region'])
        .execute();
      return rows.map(
        (r): ConsentCountRow => ({
          bucket: Math.floor(Number(r.bucket)),
          decision: decisionFromRow(r.decision),
          source: sourceFromRow(r.source),
          region: r.region,
          count: Number(r.n),
        }),
      );
    },
  };
  // Grants found, for the ingest hot path; a receipt not found is read again on its next batch.
  const grants = new IngestReadCache<ConsentReceiptRecord | undefined>((grant) => grant !== undefined);
  const key = (siteId: string, receiptId: string) => `${siteId}\n${receiptId}`;
  return {
    ...repository,
    async registerGrant(receipt) {
      try {
        return await repository.registerGrant(receipt);
      } finally {
        grants.forget(key(receipt.siteId, receipt.id));
      }
    },
    // A withdrawal names a grant and every grant of its visitor: everything remembered goes.
    recordWithdrawal: (receipt) => grants.around(() => repository.recordWithdrawal(receipt)),
    deleteForVisitors: (siteId, visitorIds) =>
      grants.around(() => repository.deleteForVisitors(siteId, visitorIds)),
    findGrantCached: (siteId, receiptId) =>
      grants.get(key(siteId, receiptId), () => repository.findGrant(siteId, receiptId)),
  };
}
