import type { Kysely } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { OidcLoginRepository } from './OidcLoginRepository.js';

export function createOidcLoginRepository(db: Kysely<Database>): OidcLoginRepository {
  return {
    async put(login) {
      await db
        .insertInto('oidc_logins')
        .values({
          state_hash: login.stateHash,
          nonce: login.nonce,
          code_verifier: login.codeVerifier,
          created_at: login.createdAt,
        })
        .execute();
    },
    async take(stateHash) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('oidc_logins')
          .selectAll()
          .where('state_hash', '=', stateHash)
          .executeTakeFirst();
        if (!row) return undefined;
        const deleted = await trx
          .deleteFrom('oidc_logins')
          .where('state_hash', '=', stateHash)
          .executeTakeFirst();
        // Two callbacks racing with one state: only the one that deleted the row proceeds.
        if (affected(deleted.numDeletedRows) !== 1) return undefined;
        return { nonce: row.nonce, codeVerifier: row.code_verifier, createdAt: Number(row.created_at) };
      });
    },
    async deleteOlderThan(before) {
      const result = await db.deleteFrom('oidc_logins').where('created_at', '<', before).executeTakeFirst();
      return affected(result.numDeletedRows);
    },
  };
}
