import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../Database.js';
import { affected, roleFromRow } from '../rows.js';
import type { UsersTable } from './accountTables.js';
import { LastOwnerError, type UserRecord, type UserRepository } from './UserRepository.js';

export function userFromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: roleFromRow(row.role),
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    totpSecretSealed: row.totp_secret_sealed ? Buffer.from(row.totp_secret_sealed) : null,
    totpEnabledAt: row.totp_enabled_at === null ? null : Number(row.totp_enabled_at),
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedLogins: Number(row.failed_logins),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    allSites: Number(row.all_sites) === 1,
    oidcSubject: row.oidc_subject,
    ssoLinkAllowed: Number(row.sso_link_allowed) === 1,
  };
}

async function replaceSites(
  trx: Transaction<Database>,
  userId: string,
  siteIds: readonly string[] | null,
): Promise<void> {
  await trx.deleteFrom('user_sites').where('user_id', '=', userId).execute();
  await trx
    .updateTable('users')
    .set({ all_sites: siteIds === null ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
  if (siteIds && siteIds.length > 0) {
    await trx
      .insertInto('user_sites')
      .values([...new Set(siteIds)].map((site_id) => ({ user_id: userId, site_id })))
      .execute();
  }
}

/**
 * Refuses (`LastOwnerError`) when user `id` is the only owner. The owners' rows are written to
 * first (a no-op update) so the transaction holds the lock before it counts: on PostgreSQL a
 * concurrent demotion of another owner waits and then sees this one's result; on SQLite the
 * write lock is taken at once, so a second process waits (busy timeout) instead of failing.
 */
async function assertAnotherOwner(trx: Transaction<Database>, id: string): Promise<void> {
  await trx
    .updateTable('users')
    .set((eb) => ({ role: eb.ref('role') }))
    .where('role', '=', 'owner')
    .execute();
  const owners = await trx.selectFrom('users').select('id').where('role', '=', 'owner').execute();
  if (owners.some((o) => o.id === id) && owners.length <= 1) throw new LastOwnerError();
}

export function createUserRepository(db: Kysely<Database>): UserRepository {
  const findById = async (id: string) => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  };
  return {
    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async countByRole(role) {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async create(user) {
      const id = randomUUID();
      const email = user.email.toLowerCase();
      const inserted = await db.transaction().execute(async (trx) => {
        const result = await trx
          .insertInto('users')
          .values({
            id,
            email,
            role: user.role,
            password_hash: user.passwordHash,
            created_at: user.createdAt,
            oidc_subject: user.oidcSubject ?? null,
          })
          .onConflict((oc) => oc.column('email').doNothing())
          .executeTakeFirst();
        if (affected(result.numInsertedOrUpdatedRows) !== 1) return false;
        if (user.siteIds !== undefined && user.siteIds !== null) await replaceSites(trx, id, user.siteIds);
        return true;
      });
      return inserted ? findById(id) : undefined;
    },
    async findByEmail(email) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
    findById,
    async findByOidcSubject(subject) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('oidc_subject', '=', subject)
        .executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('email').execute();
      return rows.map(userFromRow);
    },
    async update(id, changes) {
      await db.transaction().execute(async (trx) => {
        if (changes.role !== undefined && changes.role !== 'owner') await assertAnotherOwner(trx, id);
        const set: {
          role?: string;
          password_hash?: string;
          oidc_subject?: string | null;
          sso_link_allowed?: number;
        } = {};
        if (changes.role !== undefined) set.role = changes.role;
        if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
        if (changes.oidcSubject !== undefined) set.oidc_subject = changes.oidcSubject;
        if (changes.ssoLinkAllowed !== undefined) set.sso_link_allowed = changes.ssoLinkAllowed ? 1 : 0;
        if (Object.keys(set).length > 0)
          await trx.updateTable('users').set(set).where('id', '=', id).execute();
        if (changes.siteIds !== undefined) await replaceSites(trx, id, changes.siteIds);
      });
      return findById(id);
    },
    async delete(id) {
      return db.transaction().execute(async (trx) => {
        await assertAnotherOwner(trx, id);
        const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        return affected(result.numDeletedRows) === 1;
      });
    },
    async siteIds(userId) {
      const rows = await db
        .selectFrom('user_sites')
        .select('site_id')
        .where('user_id', '=', userId)
        .orderBy('site_id')
        .execute();
      return rows.map((r) => r.site_id);
    },
    async scopeOf(userId) {
      const rows = await db
        .selectFrom('users as u')
        .leftJoin('user_sites as s', 's.user_id', 'u.id')
        .select(['u.role', 'u.all_sites', 's.site_id'])
        .where('u.id', '=', userId)
        .orderBy('s.site_id')
        .execute();
      const first = rows[0];
      if (!first) return undefined;
      const allSites = Number(first.all_sites) === 1;
      return {
        role: roleFromRow(first.role),
        allSites,
        siteIds: allSites ? [] : rows.flatMap((r) => (r.site_id === null ? [] : [r.site_id])),
      };
    },
    async recordLoginFailure(id, now, maxFailures, lockMs) {
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', id)
          .execute();
        const row = await trx
          .selectFrom('users')
          .select(['failed_logins', 'locked_until'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const failures = Number(row.failed_logins);
        if (failures < maxFailures) {
          return {
            failedLogins: failures,
            lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
          };
        }
        // Locked: the counter starts again, so the next lock comes after as many fresh failures.
        const lockedUntil = now + lockMs;
        await trx
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: lockedUntil })
          .where('id', '=', id)
          .execute();
        return { failedLogins: failures, lockedUntil };
      });
    },
    async recordLoginSuccess(id) {
      await db
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', id)
        .execute();
    },
    async setPendingTotp(id, sealedSecret) {
      await db
        .updateTable('users')
        .set({ totp_secret_sealed: sealedSecret, totp_enabled_at: null, totp_last_step: null })
        .where('id', '=', id)
        .execute();
    },
    async enableTotp(id, now, step) {
      await db
        .updateTable('users')
        .set({ totp_enabled_at: now, totp_last_step: step })
        .where('id', '=', id)
        .execute();
    },
    async useTotpStep(id, step) {
      // One conditional UPDATE: two processes racing with the same code cannot both win.
      const result = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
    async resetTotp(id) {
      await db
        .updateTable('users')
        .set({ totp_secret_sealed: null, totp_enabled_at: null, totp_last_step: null })
        .where('id', '=', id)
        .execute();
    },
  };
}
