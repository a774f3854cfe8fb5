import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { AuthSessionRecord, AuthSessionRepository } from './AuthSessionRepository.js';
import { userFromRow } from './createUserRepository.js';

export function createAuthSessionRepository(db: Kysely<Database>): AuthSessionRepository {
  return {
    async create(session) {
      const record: AuthSessionRecord = {
        id: randomUUID(),
        userId: session.userId,
        createdAt: session.createdAt,
        lastSeenAt: session.createdAt,
        expiresAt: session.expiresAt,
        secondFactorAt: session.secondFactorAt ?? null,
        method: session.method ?? 'password',
      };
      await db
        .insertInto('auth_sessions')
        .values({
          id: record.id,
          token_hash: session.tokenHash,
          user_id: record.userId,
          created_at: record.createdAt,
          last_seen_at: record.lastSeenAt,
          expires_at: record.expiresAt,
          second_factor_at: record.secondFactorAt,
          method: record.method,
        })
        .execute();
      return record;
    },
    async findByTokenHash(tokenHash) {
      const row = await db
        .selectFrom('auth_sessions')
        .innerJoin('users', 'users.id', 'auth_sessions.user_id')
        .selectAll('users')
        .select([
          'auth_sessions.id as session_id',
          'auth_sessions.created_at as session_created_at',
          'auth_sessions.last_seen_at',
          'auth_sessions.expires_at',
          'auth_sessions.second_factor_at',
          'auth_sessions.method',
        ])
        .where('auth_sessions.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        session: {
          id: row.session_id,
          userId: row.id,
          createdAt: Number(row.session_created_at),
          lastSeenAt: Number(row.last_seen_at),
          expiresAt: Number(row.expires_at),
          secondFactorAt: row.second_factor_at === null ? null : Number(row.second_factor_at),
          method: row.method === 'oidc' ? 'oidc' : 'password',
        },
        user: userFromRow(row),
      };
    },
    async touch(id, lastSeenAt) {
      await db.updateTable('auth_sessions').set({ last_seen_at: lastSeenAt }).where('id', '=', id).execute();
    },
    async delete(id) {
      await db.deleteFrom('auth_sessions').where('id', '=', id).execute();
    },
    async markSecondFactor(id, at) {
      await db.updateTable('auth_sessions').set({ second_factor_at: at }).where('id', '=', id).execute();
    },
    async deleteAllForUser(userId) {
      const result = await db.deleteFrom('auth_sessions').where('user_id', '=', userId).executeTakeFirst();
      return affected(result.numDeletedRows);
    },
    async deleteExpired(now, idleBefore) {
      const result = await db
        .deleteFrom('auth_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
        .executeTakeFirst();
      return affected(result.numDeletedRows);
    },
  };
}
