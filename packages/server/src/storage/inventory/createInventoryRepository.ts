import { randomUUID } from 'node:crypto';
import {
  INVENTORY_CAPTURES,
  INVENTORY_KINDS,
  INVENTORY_STATUSES,
  type InventoryCapture,
  type InventoryKind,
  type InventoryStatus,
} from '@veil/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { InventoryItemRecord, InventoryRepository } from './InventoryRepository.js';
import type { InventoryItemsTable } from './inventoryTables.js';

function oneOf<T extends string>(values: readonly T[], value: string, what: string): T {
  if (!(values as readonly string[]).includes(value)) throw new Error(`stored inventory ${what} is unknown`);
  return value as T;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function itemFromRow(row: Selectable<InventoryItemsTable>): InventoryItemRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    kind: oneOf<InventoryKind>(INVENTORY_KINDS, row.kind, 'kind'),
    pagePattern: row.page_pattern,
    path: row.path,
    tag: row.tag,
    name: row.name,
    elementId: row.element_id,
    inputType: row.input_type,
    autocomplete: row.autocomplete,
    label: row.label,
    capture:
      row.capture === null ? null : oneOf<InventoryCapture>(INVENTORY_CAPTURES, row.capture, 'capture'),
    sensitive: row.sensitive,
    status: oneOf<InventoryStatus>(INVENTORY_STATUSES, row.status, 'status'),
    firstSeenAt: Number(row.first_seen_at),
    lastSeenAt: Number(row.last_seen_at),
    sessions: Number(row.sessions),
    networkPayloadEvents: Number(row.network_payload_events),
    reviewedAt: num(row.reviewed_at),
    reviewedBy: row.reviewed_by,
    reviewNote: row.review_note,
    policyVersion: num(row.policy_version),
    rule: row.rule,
  };
}

const KIND_ORDER = sql<number>`case kind when 'page' then 0 when 'field' then 1 when 'element' then 2 else 3 end`;

export function createInventoryRepository(db: Kysely<Database>): InventoryRepository {
  return {
    async discover(items) {
      const created: InventoryItemRecord[] = [];
      for (const item of items) {
        const id = randomUUID();
        const result = await db
          .insertInto('inventory_items')
          .values({
            id,
            site_id: item.siteId,
            kind: item.kind,
            page_pattern: item.pagePattern,
            path: item.path,
            tag: item.tag,
            name: item.name,
            element_id: item.elementId,
            input_type: item.inputType,
            autocomplete: item.autocomplete,
            label: item.label,
            capture: item.capture,
            sensitive: item.sensitive,
            status: 'pending',
            first_seen_at: item.at,
            last_seen_at: item.at,
            sessions: 0,
            network_payload_events: 0,
            reviewed_at: null,
            reviewed_by: null,
            review_note: null,
            policy_version: null,
            rule: null,
          })
          .onConflict((oc) => oc.columns(['site_id', 'kind', 'page_pattern', 'path']).doNothing())
          .executeTakeFirst();
        if (affected(result.numInsertedOrUpdatedRows) !== 1) continue;
        const row = await db
          .selectFrom('inventory_items')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (row) created.push(itemFromRow(row));
      }
      return created;
    },
    async touchPage(siteId, pagePattern, seen) {
      await db
        .updateTable('inventory_items')
        .set({
          last_seen_at: sql`case when last_seen_at > ${seen.at} then last_seen_at else ${seen.at} end`,
          sessions: sql`sessions + ${seen.newSessions}`,
          network_payload_events: sql`network_payload_events + ${seen.networkPayloadEvents}`,
        })
        .where('site_id', '=', siteId)
        .where('kind', '=', 'page')
        .where('page_pattern', '=', pagePattern)
        .where('path', '=', '')
        .execute();
    },
    async setCapture(siteId, kind, pagePattern, path, capture, at) {
      const result = await db
        .updateTable('inventory_items')
        .set({
          capture,
          last_seen_at: sql`case when last_seen_at > ${at} then last_seen_at else ${at} end`,
        })
        .where('site_id', '=', siteId)
        .where('kind', '=', kind)
        .where('page_pattern', '=', pagePattern)
        .where('path', '=', path)
        .where((eb) => eb.or([eb('capture', 'is', null), eb('capture', '!=', capture)]))
        .executeTakeFirst();
      if (affected(result.numUpdatedRows) !== 1) return undefined;
      const row = await db
        .selectFrom('inventory_items')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('kind', '=', kind)
        .where('page_pattern', '=', pagePattern)
        .where('path', '=', path)
        .executeTakeFirst();
      return row ? itemFromRow(row) : undefined;
    },
    async list(siteId, options = {}) {
      let query = db.selectFrom('inventory_items').selectAll().where('site_id', '=', siteId);
      if (options.status) query = query.where('status', '=', options.status);
      if (options.pagePattern !== undefined) query = query.where('page_pattern', '=', options.pagePattern);
      const rows = await query.orderBy('page_pattern').orderBy(KIND_ORDER).orderBy('path').execute();
      return rows.map(itemFromRow);
    },
    async count(siteId) {
      const row = await db
        .selectFrom('inventory_items')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('site_id', '=', siteId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async findById(id) {
      const row = await db.selectFrom('inventory_items').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? itemFromRow(row) : undefined;
    },
    async review(id, review) {
      const result = await db
        .updateTable('inventory_items')
        .set({
          status: review.status,
          reviewed_at: review.at,
          reviewed_by: review.by,
          review_note: review.note,
          policy_version: review.policyVersion,
          rule: review.rule,
        })
        .where('id', '=', id)
        .where('status', 'in', [...review.from])
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
