import { incidentDecisionKindSchema, incidentFoundHowSchema, incidentKindSchema } from '@veil/core';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { IncidentRecord, IncidentRepository } from './IncidentRepository.js';
import type { ExposureIncidentsTable } from './incidentTables.js';

const num = (v: number | null) => (v === null ? null : Number(v));

function fromRow(r: ExposureIncidentsTable): IncidentRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    siteKey: r.site_key,
    title: r.title,
    kind: incidentKindSchema.parse(r.kind),
    page: r.page,
    element: r.element,
    windowFrom: num(r.window_from),
    windowTo: num(r.window_to),
    foundHow: incidentFoundHowSchema.parse(r.found_how),
    foundDetails: r.found_details,
    discoveredAt: Number(r.discovered_at),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    decision:
      r.decision === null || r.decided_at === null
        ? null
        : {
            decision: incidentDecisionKindSchema.parse(r.decision),
            reason: r.decision_reason ?? '',
            notifiedAt: num(r.notified_at),
            decidedBy: r.decided_by ?? '',
            decidedAt: Number(r.decided_at),
          },
  };
}

/** Exposure incidents over either dialect. */
export function createIncidentRepository(db: Kysely<Database>): IncidentRepository {
  return {
    async create(i) {
      await db
        .insertInto('exposure_incidents')
        .values({
          id: i.id,
          site_id: i.siteId,
          site_key: i.siteKey,
          title: i.title,
          kind: i.kind,
          page: i.page,
          element: i.element,
          window_from: i.windowFrom,
          window_to: i.windowTo,
          found_how: i.foundHow,
          found_details: i.foundDetails,
          discovered_at: i.discoveredAt,
          created_by: i.createdBy,
          created_at: i.createdAt,
          decision: i.decision?.decision ?? null,
          decision_reason: i.decision?.reason ?? null,
          notified_at: i.decision?.notifiedAt ?? null,
          decided_by: i.decision?.decidedBy ?? null,
          decided_at: i.decision?.decidedAt ?? null,
        })
        .execute();
    },
    async get(id) {
      const row = await db
        .selectFrom('exposure_incidents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async list(siteId, limit) {
      const rows = await db
        .selectFrom('exposure_incidents')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('discovered_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
    async decide(id, d) {
      const result = await db
        .updateTable('exposure_incidents')
        .set({
          decision: d.decision,
          decision_reason: d.reason,
          notified_at: d.notifiedAt,
          decided_by: d.decidedBy,
          decided_at: d.decidedAt,
        })
        .where('id', '=', id)
        .where('decision', 'is', null)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
