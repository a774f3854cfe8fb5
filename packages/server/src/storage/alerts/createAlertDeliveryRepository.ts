import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database } from '../Database.js';
import type { AlertDeliveryRecord, AlertDeliveryRepository } from './AlertDeliveryRepository.js';
import type { AlertDeliveriesTable } from './alertTables.js';

const kindSchema = z.enum(['alert', 'digest']);
const statusSchema = z.enum(['pending', 'held', 'digested', 'delivered', 'failed']);
const idsSchema = z.array(z.string());

function deliveryFromRow(row: Selectable<AlertDeliveriesTable>): AlertDeliveryRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    sinkId: row.sink_id,
    kind: kindSchema.parse(row.kind),
    alertId: row.alert_id,
    digestAlertIds: idsSchema.parse(JSON.parse(row.digest_alert_ids)),
    status: statusSchema.parse(row.status),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    lastResponse: row.last_response,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

export function createAlertDeliveryRepository(db: Kysely<Database>): AlertDeliveryRepository {
  return {
    async insert(d) {
      await db
        .insertInto('alert_deliveries')
        .values({
          id: d.id,
          site_id: d.siteId,
          sink_id: d.sinkId,
          kind: d.kind,
          alert_id: d.alertId,
          digest_alert_ids: JSON.stringify(d.digestAlertIds),
          status: d.status,
          attempts: d.attempts,
          next_attempt_at: d.nextAttemptAt,
          last_error: d.lastError,
          last_response: d.lastResponse,
          created_at: d.createdAt,
          delivered_at: d.deliveredAt,
        })
        .execute();
    },
    async countSentSince(sinkId, since) {
      const row = await db
        .selectFrom('alert_deliveries')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('sink_id', '=', sinkId)
        .where('created_at', '>=', since)
        .where('status', 'in', ['pending', 'delivered', 'failed'])
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async listDue(now, limit) {
      const rows = await db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(deliveryFromRow);
    },
    async claim(id, expected, leaseUntil) {
      const result = await db
        .updateTable('alert_deliveries')
        .set({ next_attempt_at: leaseUntil })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows ?? 0n) === 1;
    },
    async markDelivered(id, attempts, response, at) {
      await db
        .updateTable('alert_deliveries')
        .set({ status: 'delivered', attempts, last_response: response, last_error: null, delivered_at: at })
        .where('id', '=', id)
        .execute();
    },
    async markAttemptFailed(id, attempts, error, response, retryAt) {
      await db
        .updateTable('alert_deliveries')
        .set({
          status: retryAt === null ? 'failed' : 'pending',
          attempts,
          last_error: error,
          last_response: response,
          ...(retryAt === null ? {} : { next_attempt_at: retryAt }),
        })
        .where('id', '=', id)
        .execute();
    },
    async heldSinks() {
      const rows = await db
        .selectFrom('alert_deliveries')
        .select(['sink_id', 'site_id', (eb) => eb.fn.min('created_at').as('oldest')])
        .where('status', '=', 'held')
        .groupBy(['sink_id', 'site_id'])
        .execute();
      return rows.map((r) => ({ sinkId: r.sink_id, siteId: r.site_id, oldestAt: Number(r.oldest) }));
    },
    async listHeld(sinkId) {
      const rows = await db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('sink_id', '=', sinkId)
        .where('status', '=', 'held')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(deliveryFromRow);
    },
    async markDigested(ids) {
      if (ids.length === 0) return 0;
      const result = await db
        .updateTable('alert_deliveries')
        .set({ status: 'digested' })
        .where('id', 'in', [...ids])
        .where('status', '=', 'held')
        .executeTakeFirst();
      return Number(result.numUpdatedRows ?? 0n);
    },
    async list(siteId, limit) {
      const rows = await db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(deliveryFromRow);
    },
  };
}
