import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import type { SettingsRepository } from './SettingsRepository.js';

export function createSettingsRepository(db: Kysely<Database>): SettingsRepository {
  return {
    async get(key) {
      const row = await db
        .selectFrom('instance_settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value;
    },
    async putIfAbsent(key, value) {
      await db
        .insertInto('instance_settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db
        .selectFrom('instance_settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return row.value;
    },
    async put(key, value) {
      await db
        .insertInto('instance_settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async compareAndSet(key, expected, value) {
      const result = await db
        .updateTable('instance_settings')
        .set({ value })
        .where('key', '=', key)
        .where('value', '=', expected)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  };
}
