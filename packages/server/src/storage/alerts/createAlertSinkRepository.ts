import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { AlertSinkRecord, AlertSinkRepository } from './AlertSinkRepository.js';
import type { AlertSinksTable } from './alertTables.js';

/** The stored, showable part of a sink; a row that does not parse was tampered with. */
const storedSettingsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), settings: z.object({ urlHost: z.string() }) }),
  z.object({
    type: z.literal('email'),
    settings: z.object({
      host: z.string(),
      port: z.number().int(),
      secure: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
      username: z.string().nullable(),
    }),
  }),
]);

function sinkFromRow(row: Selectable<AlertSinksTable>): AlertSinkRecord {
  const parsed = storedSettingsSchema.parse({ type: row.type, settings: JSON.parse(row.settings_json) });
  return {
    ...parsed,
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    secretBox: Buffer.from(row.secret_box),
    enabled: Number(row.enabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || (typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed'))
  );
}

export function createAlertSinkRepository(db: Kysely<Database>): AlertSinkRepository {
  const findById = async (id: string) => {
    const row = await db.selectFrom('alert_sinks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? sinkFromRow(row) : undefined;
  };
  return {
    async create(sink) {
      try {
        await db
          .insertInto('alert_sinks')
          .values({
            id: sink.id,
            site_id: sink.siteId,
            name: sink.name,
            type: sink.type,
            settings_json: JSON.stringify(sink.settings),
            secret_box: sink.secretBox,
            enabled: sink.enabled ? 1 : 0,
            created_at: sink.createdAt,
            updated_at: sink.updatedAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
      return (await findById(sink.id)) ?? 'conflict';
    },
    async update(sink) {
      try {
        const result = await db
          .updateTable('alert_sinks')
          .set({
            name: sink.name,
            type: sink.type,
            settings_json: JSON.stringify(sink.settings),
            secret_box: sink.secretBox,
            enabled: sink.enabled ? 1 : 0,
            updated_at: sink.updatedAt,
          })
          .where('id', '=', sink.id)
          .executeTakeFirst();
        if (affected(result.numUpdatedRows) === 0) return undefined;
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
      return findById(sink.id);
    },
    async delete(id) {
      const result = await db.deleteFrom('alert_sinks').where('id', '=', id).executeTakeFirst();
      return affected(result.numDeletedRows) === 1;
    },
    findById,
    async list(siteId) {
      const rows = await db
        .selectFrom('alert_sinks')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('name')
        .execute();
      return rows.map(sinkFromRow);
    },
  };
}
