import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import { affected, roleFromRow } from '../rows.js';
import type { ApiTokenRecord, ApiTokenRepository } from './ApiTokenRepository.js';
import type { ApiTokensTable } from './accountTables.js';

function tokenFromRow(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: roleFromRow(row.role),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    allSites: Number(row.all_sites) === 1,
  };
}

export function createApiTokenRepository(db: Kysely<Database>): ApiTokenRepository {
  return {
    async create(token) {
      const restricted = token.siteIds !== undefined && token.siteIds !== null;
      const record: ApiTokenRecord = {
        id: randomUUID(),
        name: token.name,
        role: token.role,
        createdBy: token.createdBy,
        createdAt: token.createdAt,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt: token.expiresAt ?? null,
        allSites: !restricted,
      };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('api_tokens')
          .values({
            id: record.id,
            name: record.name,
            token_hash: token.tokenHash,
            role: record.role,
            created_by: record.createdBy,
            created_at: record.createdAt,
            last_used_at: null,
            revoked_at: null,
            expires_at: record.expiresAt,
            all_sites: restricted ? 0 : 1,
          })
          .execute();
        const siteIds = [...new Set(token.siteIds ?? [])];
        if (siteIds.length > 0) {
          await trx
            .insertInto('api_token_sites')
            .values(siteIds.map((site_id) => ({ token_id: record.id, site_id })))
            .execute();
        }
      });
      return record;
    },
    async findActiveByHash(tokenHash) {
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? tokenFromRow(row) : undefined;
    },
    async touch(id, lastUsedAt) {
      await db.updateTable('api_tokens').set({ last_used_at: lastUsedAt }).where('id', '=', id).execute();
    },
    async findById(id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? tokenFromRow(row) : undefined;
    },
    async list() {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(tokenFromRow);
    },
    async siteIds(tokenId) {
      const rows = await db
        .selectFrom('api_token_sites')
        .select('site_id')
        .where('token_id', '=', tokenId)
        .orderBy('site_id')
        .execute();
      return rows.map((r) => r.site_id);
    },
    async revoke(id, at) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
