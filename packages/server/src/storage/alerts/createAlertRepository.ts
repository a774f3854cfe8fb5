import { randomUUID } from 'node:crypto';
import {
  ALERT_SEVERITIES,
  type AlertDetails,
  type AlertSeverity,
  alertDetailsSchema,
  alertKindSchema,
} from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { AlertRecord, AlertRepository, AlertStatus } from './AlertRepository.js';
import type { AlertsTable } from './alertTables.js';

const STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

function severityFromRow(value: string): AlertSeverity {
  if (!(ALERT_SEVERITIES as readonly string[]).includes(value))
    throw new Error('stored alert severity is unknown');
  return value as AlertSeverity;
}

function statusFromRow(value: string): AlertStatus {
  if (!(STATUSES as readonly string[]).includes(value)) throw new Error('stored alert status is unknown');
  return value as AlertStatus;
}

function detailsFromRow(json: string): AlertDetails {
  return alertDetailsSchema.parse(JSON.parse(json));
}

export function alertFromRow(row: Selectable<AlertsTable>): AlertRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    kind: alertKindSchema.parse(row.kind),
    fingerprint: row.fingerprint,
    severity: severityFromRow(row.severity),
    summary: row.summary,
    details: detailsFromRow(row.details_json),
    occurrences: Number(row.occurrences),
    status: statusFromRow(row.status),
    firstSeenAt: Number(row.first_seen_at),
    lastSeenAt: Number(row.last_seen_at),
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    resolvedBy: row.resolved_by,
    note: row.note,
  };
}

export function createAlertRepository(db: Kysely<Database>): AlertRepository {
  const findOpen = async (siteId: string, fingerprint: string) => {
    const row = await db
      .selectFrom('alerts')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('open_fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row ? alertFromRow(row) : undefined;
  };
  return {
    async raise(alert) {
      const id = randomUUID();
      const inserted = await db
        .insertInto('alerts')
        .values({
          id,
          site_id: alert.siteId,
          kind: alert.kind,
          fingerprint: alert.fingerprint,
          open_fingerprint: alert.fingerprint,
          severity: alert.severity,
          summary: alert.summary,
          details_json: JSON.stringify(alert.details),
          occurrences: 1,
          status: 'open',
          first_seen_at: alert.at,
          last_seen_at: alert.at,
          acknowledged_at: null,
          acknowledged_by: null,
          resolved_at: null,
          resolved_by: null,
          note: null,
        })
        .onConflict((oc) => oc.columns(['site_id', 'open_fingerprint']).doNothing())
        .executeTakeFirst();
      if (affected(inserted.numInsertedOrUpdatedRows) === 1) {
        const created = await this.findById(id);
        if (!created) throw new Error('inserted alert vanished');
        return { alert: created, created: true };
      }
      await db
        .updateTable('alerts')
        .set({
          occurrences: sql`occurrences + 1`,
          last_seen_at: sql`case when last_seen_at > ${alert.at} then last_seen_at else ${alert.at} end`,
        })
        .where('site_id', '=', alert.siteId)
        .where('open_fingerprint', '=', alert.fingerprint)
        .execute();
      const folded = await findOpen(alert.siteId, alert.fingerprint);
      // Resolved between the insert and the update: raise it anew.
      if (!folded) return this.raise(alert);
      return { alert: folded, created: false };
    },
    async findById(id) {
      const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? alertFromRow(row) : undefined;
    },
    findOpen,
    async list({ siteIds, status, kind, limit }) {
      if (siteIds !== 'all' && siteIds.length === 0) return [];
      let query = db.selectFrom('alerts').selectAll();
      if (siteIds !== 'all') query = query.where('site_id', 'in', [...siteIds]);
      if (status === 'unresolved') query = query.where('status', '!=', 'resolved');
      else if (status) query = query.where('status', '=', status);
      if (kind) query = query.where('kind', '=', kind);
      const rows = await query.orderBy('last_seen_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(alertFromRow);
    },
    async acknowledge(id, by, at, note) {
      const result = await db
        .updateTable('alerts')
        .set({ status: 'acknowledged', acknowledged_at: at, acknowledged_by: by, note })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
    async resolve(id, by, at, note) {
      const result = await db
        .updateTable('alerts')
        .set({ status: 'resolved', open_fingerprint: null, resolved_at: at, resolved_by: by, note })
        .where('id', '=', id)
        .where('status', '!=', 'resolved')
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
