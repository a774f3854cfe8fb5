import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokenRecord, ApiTokenRepository } from '../Store.js';
import type { ApiTokensTable, Database } from '../schema.js';
import { roleFromRow } from './rows.js';

function tokenFromRow(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: roleFromRow(row.role),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export function apiTokenRepository(db: Kysely<Database>): ApiTokenRepository {
  return {
    async create(token) {
      const record: ApiTokenRecord = {
        id: randomUUID(),
        name: token.name,
        role: token.role,
        createdBy: token.createdBy,
        createdAt: token.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      };
      await db
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
        })
        .execute();
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
  };
}
