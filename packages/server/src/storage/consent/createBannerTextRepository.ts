import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { BannerTextRepository, BannerTextsRecord } from './BannerTextRepository.js';
import type { BannerTextsTable } from './consentTables.js';

function fromRow(row: Selectable<BannerTextsTable>): BannerTextsRecord {
  const texts: unknown = JSON.parse(row.texts_json);
  const clean: Record<string, string> = {};
  if (typeof texts === 'object' && texts !== null) {
    for (const [k, v] of Object.entries(texts)) if (typeof v === 'string') clean[k] = v;
  }
  return {
    siteId: row.site_id,
    language: row.language,
    texts: clean,
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

export function createBannerTextRepository(db: Kysely<Database>): BannerTextRepository {
  return {
    async get(siteId, language) {
      const row = await db
        .selectFrom('banner_texts')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('language', '=', language)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(siteId) {
      const rows = await db
        .selectFrom('banner_texts')
        .selectAll()
        .where('site_id', '=', siteId)
        .orderBy('language')
        .execute();
      return rows.map(fromRow);
    },

    async put(record) {
      const values = {
        site_id: record.siteId,
        language: record.language,
        texts_json: JSON.stringify(record.texts),
        updated_at: record.updatedAt,
        updated_by: record.updatedBy,
      };
      await db
        .insertInto('banner_texts')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['site_id', 'language']).doUpdateSet({
            texts_json: values.texts_json,
            updated_at: values.updated_at,
            updated_by: values.updated_by,
          }),
        )
        .execute();
    },

    async remove(siteId, language) {
      const result = await db
        .deleteFrom('banner_texts')
        .where('site_id', '=', siteId)
        .where('language', '=', language)
        .executeTakeFirst();
      return affected(result.numDeletedRows) === 1;
    },
  };
}
