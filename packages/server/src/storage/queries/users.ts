import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { UserRecord, UserRepository } from '../Store.js';
import type { Database, UsersTable } from '../schema.js';
import { affected, roleFromRow } from './rows.js';

export function userFromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: roleFromRow(row.role),
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
  };
}

export function userRepository(db: Kysely<Database>): UserRepository {
  return {
    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async create(user) {
      const record: UserRecord = { id: randomUUID(), ...user, email: user.email.toLowerCase() };
      const result = await db
        .insertInto('users')
        .values({
          id: record.id,
          email: record.email,
          role: record.role,
          password_hash: record.passwordHash,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .executeTakeFirst();
      return affected(result.numInsertedOrUpdatedRows) === 1 ? record : undefined;
    },
    async findByEmail(email) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
  };
}
