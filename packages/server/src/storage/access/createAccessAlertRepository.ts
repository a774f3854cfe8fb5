import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { AccessAlertRecord, AccessAlertRepository } from './AccessAlertRepository.js';
import type { AccessAlertsTable } from './accessTables.js';

function alertFromRow(row: Selectable<AccessAlertsTable>): AccessAlertRecord {
  return {
    id: row.id,
    kind: 'raw_replay_rate',
    siteId: row.site_id,
    siteKey: row.site_key,
    userId: row.user_id,
    apiTokenId: row.api_token_id,
    actorLabel: row.actor_label,
    count: Number(row.count),
    threshold: Number(row.threshold),
    windowStart: Number(row.window_start),
    createdAt: Number(row.created_at),
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    note: row.note,
  };
}

export function createAccessAlertRepository(db: Kysely<Database>): AccessAlertRepository {
  return {
    async raise(alert) {
      const { dedupeKey, ...rest } = alert;
      const record: AccessAlertRecord = { id: randomUUID(), ...rest };
      const result = await db
        .insertInto('access_alerts')
        .values({
          id: record.id,
          kind: record.kind,
          dedupe_key: dedupeKey,
          site_id: record.siteId,
          site_key: record.siteKey,
          user_id: record.userId,
          api_token_id: record.apiTokenId,
          actor_label: record.actorLabel,
          count: record.count,
          threshold: record.threshold,
          window_start: record.windowStart,
          created_at: record.createdAt,
          acknowledged_at: null,
          acknowledged_by: null,
          note: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      return affected(result.numInsertedOrUpdatedRows) === 1 ? record : undefined;
    },
    async findById(id) {
      const row = await db.selectFrom('access_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? alertFromRow(row) : undefined;
    },
    async list({ unacknowledgedOnly, limit, siteIds }) {
      if (siteIds?.length === 0) return [];
      let query = db.selectFrom('access_alerts').selectAll();
      if (siteIds !== undefined) query = query.where('site_id', 'in', [...siteIds]);
      if (unacknowledgedOnly) query = query.where('acknowledged_at', 'is', null);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(alertFromRow);
    },
    async acknowledge(id, by, at, note) {
      const result = await db
        .updateTable('access_alerts')
        .set({ acknowledged_at: at, acknowledged_by: by, note })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
