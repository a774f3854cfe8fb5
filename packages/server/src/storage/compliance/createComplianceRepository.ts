import { attestationKindSchema } from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import { alertFromRow } from '../alerts/createAlertRepository.js';
import type { Database } from '../Database.js';
import { receiptFromRow } from '../retention/createRetentionRepository.js';
import { requestFromRow } from '../subjects/createSubjectRequestRepository.js';
import type {
  AttestationRecord,
  ComplianceRepository,
  ComplianceSummaryRecord,
  Period,
  ProcessorRecord,
} from './ComplianceRepository.js';
import type { AttestationsTable, ComplianceSummariesTable, ProcessorsTable } from './complianceTables.js';

function processorFromRow(r: Selectable<ProcessorsTable>): ProcessorRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    name: r.name,
    role: r.role === 'subprocessor' ? 'subprocessor' : 'processor',
    purpose: r.purpose,
    location: r.location,
    dpaSignedAt: r.dpa_signed_at === null ? null : Number(r.dpa_signed_at),
    dpaReference: r.dpa_reference,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  };
}

function attestationFromRow(r: Selectable<AttestationsTable>): AttestationRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    kind: attestationKindSchema.parse(r.kind),
    statement: r.statement,
    reference: r.reference,
    attestedBy: r.attested_by,
    attestedAt: Number(r.attested_at),
    expiresAt: Number(r.expires_at),
  };
}

function summaryFromRow(r: Selectable<ComplianceSummariesTable>): ComplianceSummaryRecord {
  const parsed: unknown = JSON.parse(r.figures_json);
  const figures: Record<string, number> = {};
  if (typeof parsed === 'object' && parsed !== null) {
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number') figures[k] = v;
  }
  return {
    siteId: r.site_id,
    month: r.month,
    score: Number(r.score),
    maxScore: Number(r.max_score),
    figures,
    createdAt: Number(r.created_at),
  };
}

/** `column` within the half-open period `[from, to)`: the column a quoted reference, the bounds bound parameters. */
const inPeriod = (column: string, period: Period) =>
  sql<boolean>`${sql.ref(column)} >= ${period.from} and ${sql.ref(column)} < ${period.to}`;

export function createComplianceRepository(db: Kysely<Database>): ComplianceRepository {
  return {
    async listProcessors(siteId) {
      const rows = await db
        .selectFrom('processors')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(processorFromRow);
    },

    async findProcessor(id) {
      const row = await db.selectFrom('processors').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? processorFromRow(row) : undefined;
    },

    async putProcessor(p) {
      const values = {
        id: p.id,
        site_id: p.siteId,
        name: p.name,
        role: p.role,
        purpose: p.purpose,
        location: p.location,
        dpa_signed_at: p.dpaSignedAt,
        dpa_reference: p.dpaReference,
        updated_at: p.updatedAt,
        updated_by: p.updatedBy,
      };
      await db
        .insertInto('processors')
        .values(values)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            name: values.name,
            role: values.role,
            purpose: values.purpose,
            location: values.location,
            dpa_signed_at: values.dpa_signed_at,
            dpa_reference: values.dpa_reference,
            updated_at: values.updated_at,
            updated_by: values.updated_by,
          }),
        )
        .execute();
    },

    async deleteProcessor(id) {
      const result = await db.deleteFrom('processors').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async addAttestation(a) {
      await db
        .insertInto('attestations')
        .values({
          id: a.id,
          site_id: a.siteId,
          kind: a.kind,
          statement: a.statement,
          reference: a.reference,
          attested_by: a.attestedBy,
          attested_at: a.attestedAt,
          expires_at: a.expiresAt,
        })
        .execute();
    },

    async listAttestations(siteId) {
      const rows = await db
        .selectFrom('attestations')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('attested_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(attestationFromRow);
    },

    async putSummary(s) {
      const values = {
        site_id: s.siteId,
        month: s.month,
        score: s.score,
        max_score: s.maxScore,
        figures_json: JSON.stringify(s.figures),
        created_at: s.createdAt,
      };
      await db
        .insertInto('compliance_summaries')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['site_id', 'month']).doUpdateSet({
            score: values.score,
            max_score: values.max_score,
            figures_json: values.figures_json,
            created_at: values.created_at,
          }),
        )
        .execute();
    },

    async listSummaries(siteId, limit) {
      const rows = await db
        .selectFrom('compliance_summaries')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('month', 'desc')
        .limit(limit)
        .execute();
      return rows.map(summaryFromRow).reverse();
    },

    async findSummary(siteId, month) {
      const row = await db
        .selectFrom('compliance_summaries')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('month', '=', month)
        .executeTakeFirst();
      return row ? summaryFromRow(row) : undefined;
    },

    async countSessions(siteId, period) {
      const row = await db
        .selectFrom('recording_sessions')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('site_id', '=', siteId)
        .where(inPeriod('created_at', period))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async replayViews(siteId, period) {
      const rows = await db
        .selectFrom('replay_access_log as l')
        .leftJoin('users as u', 'u.id', 'l.user_id')
        .leftJoin('api_tokens as t', 't.id', 'l.api_token_id')
        .select(['l.accessed_at', 'l.session_id', 'l.purpose', 'l.id', 'u.email', 't.name'])
        .where('l.site_id', '=', siteId)
        .where(inPeriod('l.accessed_at', period))
        .orderBy('l.accessed_at')
        .orderBy('l.id')
        .execute();
      return rows.map((r) => ({
        at: Number(r.accessed_at),
        viewer: r.email ?? (r.name !== null ? `token ${r.name}` : 'a removed account'),
        sessionId: r.session_id,
        purpose: r.purpose,
      }));
    },

    async purgeReceipts(siteId, period) {
      const rows = await db
        .selectFrom('purge_receipts')
        .selectAll()
        .where('site_id', '=', siteId)
        .where(inPeriod('completed_at', period))
        .orderBy('completed_at')
        .orderBy('id')
        .execute();
      return rows.map(receiptFromRow);
    },

    async alerts(siteId, period) {
      const rows = await db
        .selectFrom('alerts')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('first_seen_at', '<', period.to)
        .where('last_seen_at', '>=', period.from)
        .orderBy('first_seen_at')
        .orderBy('id')
        .execute();
      return rows.map(alertFromRow);
    },

    async subjectRequests(siteId, period) {
      const rows = await db
        .selectFrom('subject_requests')
        .selectAll()
        .where('site_id', '=', siteId)
        .where(inPeriod('received_at', period))
        .orderBy('received_at')
        .orderBy('id')
        .execute();
      return rows.map(requestFromRow);
    },
  };
}
